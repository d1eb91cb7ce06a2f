using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public sealed class HnswVectorIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recengine-hnsw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Mips_recall_at_100_against_exact_is_at_least_095_on_clustered_vectors()
    {
        const int n = 20_000, dims = 32, k = 100, queryCount = 200;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, queryCount, dims, 64, seed: 11);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var hnsw = HnswVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { Connectivity = 16, ExpansionAdd = 128, ExpansionSearch = 256 });
        Assert.Equal(n, hnsw.Count);
        Assert.Equal(dims, hnsw.Dimensions);

        var recall = 0.0;
        for (var i = 0; i < queryCount; i++)
        {
            var query = queries.AsSpan(i * dims, dims);
            var truth = exact.Search(query, k);
            var found = hnsw.Search(query, k);
            recall += VectorTestData.Recall(truth, found);

            // Scores are exact inner products, best first.
            for (var j = 0; j < found.Length; j++)
            {
                var row = (int)((found[j].Id - 1000) / 3);
                Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Dot(query, vectors.AsSpan(row * dims, dims)), found[j].Score, 1e-4);
                Assert.True(j == 0 || found[j - 1].Score >= found[j].Score);
            }
        }

        recall /= queryCount;
        Assert.True(recall >= 0.95, $"recall@{k} = {recall:F4}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saved_index_loads_or_maps_and_returns_the_same_results(bool memoryMap)
    {
        const int n = 3000, dims = 16, k = 20;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, 50, dims, 16, seed: 21);
        var path = Path.Combine(_dir, "index.usearch");
        var options = new VectorIndexOptions { ExpansionSearch = 96 };
        VectorHit[][] before;
        using (var built = HnswVectorIndex.Build(ids, vectors, dims, options))
        {
            before = Enumerable.Range(0, 50).Select(i => built.Search(queries.AsSpan(i * dims, dims), k)).ToArray();
            built.Save(path);
        }

        using var reopened = HnswVectorIndex.Open(path, options, memoryMap);
        Assert.Equal(n, reopened.Count);
        Assert.Equal(dims, reopened.Dimensions);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(before[i], reopened.Search(queries.AsSpan(i * dims, dims), k));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Eight_threads_of_10k_queries_each_match_sequential_results_with_fewer_native_slots_than_callers(int normRanges)
    {
        const int n = 5000, dims = 8, k = 10, distinct = 2000, threads = 8, perThread = 10_000;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, distinct, dims, 16, seed: 31);
        // Two native search slots for eight callers: the semaphore must queue the rest.
        using var index = VectorIndexes.BuildApproximate(ids, vectors, dims, new VectorIndexOptions { SearchThreads = 2, ExpansionSearch = 32, NormRanges = normRanges });
        var sequential = Enumerable.Range(0, distinct).Select(i => index.Search(queries.AsSpan(i * dims, dims), k)).ToArray();

        var mismatches = 0;
        var completed = 0;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var buffer = new VectorHit[k];
            for (var i = 0; i < perThread; i++)
            {
                var q = ((t * 7919) + (i * 31)) % distinct;
                var found = index.Search(queries.AsSpan(q * dims, dims), buffer);
                if (found != k || !buffer.AsSpan().SequenceEqual(sequential[q]))
                {
                    Interlocked.Increment(ref mismatches);
                }

                Interlocked.Increment(ref completed);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Equal(threads * perThread, completed);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Search_after_dispose_throws()
    {
        var index = HnswVectorIndex.Build([1, 2], [1, 0, 0, 1], 2);
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Search([1f, 0f], 1));
    }
}
