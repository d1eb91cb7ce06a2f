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
        // One build thread: a parallel build's graph (and so its recall) varies from run to run.
        using var hnsw = HnswVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { Connectivity = 16, ExpansionAdd = 128, ExpansionSearch = 256, BuildThreads = 1 });
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
    [InlineData(VectorQuantization.F32)]
    [InlineData(VectorQuantization.F16)]
    [InlineData(VectorQuantization.I8)]
    public void Every_scalar_kind_recalls_095_at_100_against_exact_float32_and_smaller_kinds_hold_fewer_bytes(VectorQuantization kind)
    {
        const int n = 10_000, dims = 32, k = 100, queryCount = 100;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, queryCount, dims, 64, seed: 12);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        var options = new VectorIndexOptions { ExpansionSearch = 256, Quantization = kind, BuildThreads = 1 };
        using var hnsw = HnswVectorIndex.Build(ids, vectors, dims, options);
        using var f32 = HnswVectorIndex.Build(ids, vectors, dims, options with { Quantization = VectorQuantization.F32 });

        var recall = Enumerable.Range(0, queryCount)
            .Average(i => VectorTestData.Recall(exact.Search(queries.AsSpan(i * dims, dims), k), hnsw.Search(queries.AsSpan(i * dims, dims), k)));
        Assert.True(recall >= 0.95, $"{kind}: recall@{k} = {recall:F4}");

        // The graph holds (dims + 1) scalars per item: 4, 2 or 1 bytes each, beside the same links.
        var perItemSaved = (double)(f32.IndexBytes - hnsw.IndexBytes) / n;
        var expected = (dims + 1) * (4 - kind switch { VectorQuantization.F32 => 4, VectorQuantization.F16 => 2, _ => 1 });
        // Upper graph levels are drawn at random, so two builds differ by a fraction of a byte per item.
        Assert.True(perItemSaved >= (expected * 0.8) - 1 && perItemSaved <= (expected * 1.2) + 1, $"{kind}: saved {perItemSaved:F1} bytes per item, expected {expected}; memory {hnsw.NativeBytes} vs {f32.NativeBytes}");
    }

    [Fact]
    public void An_index_saved_in_the_older_format_with_its_own_item_vectors_still_opens()
    {
        const int n = 2000, dims = 8, k = 10;
        var ids = Enumerable.Range(0, n).Select(i => (long)i).ToArray();
        var (vectors, queries) = VectorTestData.Mixture(n, 20, dims, 8, seed: 5);
        var path = Path.Combine(_dir, "old.usearch");
        var options = new VectorIndexOptions { Quantization = VectorQuantization.F32, ExpansionSearch = 64 };
        VectorHit[][] before;
        using (var built = HnswVectorIndex.Build(ids, vectors, dims, options))
        {
            before = Enumerable.Range(0, 20).Select(i => built.Search(queries.AsSpan(i * dims, dims), k)).ToArray();
            built.Save(path);
        }

        // The older format: no .meta, the vectors and ids in an .items file beside the graph (keys are its rows).
        File.Delete(HnswVectorIndex.MetaPath(path));
        var maxNorm = Enumerable.Range(0, n).Max(r => System.Numerics.Tensors.TensorPrimitives.Norm(vectors.AsSpan(r * dims, dims)));
        using (var items = ItemStore.Create(ids, vectors, dims, maxNorm))
        {
            items.Save(HnswVectorIndex.ItemsPath(path));
        }

        // Vectors handed in are ignored in that format: zeros would score every hit 0.
        using var reopened = HnswVectorIndex.Open(path, ItemVectors.ByRow(new float[n * dims], dims), options, memoryMap: true);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(before[i], reopened.Search(queries.AsSpan(i * dims, dims), k));
        }
    }

    [Fact]
    public void Opening_without_the_description_beside_the_graph_names_the_missing_file()
    {
        var path = Path.Combine(_dir, "bare.usearch");
        var vectors = new float[] { 1, 0, 0, 1, 1, 1 };
        using (var built = HnswVectorIndex.Build([0, 1, 2], vectors, 2))
        {
            built.Save(path);
        }

        File.Delete(HnswVectorIndex.MetaPath(path));
        var error = Assert.Throws<FileNotFoundException>(() => HnswVectorIndex.Open(path, ItemVectors.ByRow(vectors, 2)));
        Assert.Contains(".meta", error.Message);
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

        using var reopened = HnswVectorIndex.Open(path, ItemVectors.ByIds(ids, vectors, dims), options, memoryMap);
        Assert.Equal(n, reopened.Count);
        Assert.Equal(dims, reopened.Dimensions);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(before[i], reopened.Search(queries.AsSpan(i * dims, dims), k));
        }
    }

    [Theory]
    [InlineData(1e6)]
    [InlineData(1.25)]
    public void Eight_threads_of_10k_queries_each_match_sequential_results_with_fewer_native_slots_than_callers(double normRatio)
    {
        const int n = 5000, dims = 8, k = 10, distinct = 2000, threads = 8, perThread = 10_000;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, distinct, dims, 16, seed: 31);
        // Two native search slots for eight callers: the semaphore must queue the rest.
        using var index = VectorIndexes.BuildApproximate(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, SearchThreads = 2, ExpansionSearch = 32, NormRatio = normRatio });
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
