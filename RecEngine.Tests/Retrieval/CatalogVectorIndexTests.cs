using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public sealed class CatalogVectorIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recengine-index-").FullName;

    [Fact]
    public void A_saved_index_serves_a_changed_catalog_like_an_exact_search_over_it()
    {
        // Training time: 3,000 videos, rows 0..2999, indexed and saved.
        const int trainedCount = 3000, dims = 16, k = 20;
        var (trainedVectors, queries) = VectorTestData.Mixture(trainedCount, 50, dims, 12, seed: 7);
        var saved = Path.Combine(_dir, "index.usearch");
        using (var built = HnswVectorIndex.Build(Enumerable.Range(0, trainedCount).Select(i => (long)i).ToArray(), trainedVectors, dims))
        {
            built.Save(saved);
        }

        // Now: every tenth trained video left the catalog, the rest shifted rows (sorted ids move when videos come
        // and go), and 40 new videos arrived with vectors of their own.
        var (newVectors, _) = VectorTestData.Mixture(40, 1, dims, 3, seed: 8);
        var currentRow = new long[trainedCount];
        var current = new List<float>();
        var trained = new List<bool>();
        for (var row = 0; row < trainedCount; row++)
        {
            if (row % 10 == 0)
            {
                currentRow[row] = -1;
                continue;
            }

            if (row % 75 == 1)
            {
                // A new video sorts in before this one.
                current.AddRange(newVectors.AsSpan((trained.Count % 40) * dims, dims).ToArray().Select(x => x * 3f));
                trained.Add(false);
            }

            currentRow[row] = trained.Count;
            current.AddRange(trainedVectors.AsSpan(row * dims, dims).ToArray());
            trained.Add(true);
        }

        var factors = current.ToArray();
        var options = new VectorIndexOptions { ExactBelow = 0, ExpansionSearch = 128 };
        using var index = CatalogVectorIndex.Open(saved, ItemFactorStore.Of(factors, dims), trained.ToArray(), currentRow, options);
        using var exact = new ExactVectorIndex(Enumerable.Range(0, trained.Count).Select(i => (long)i).ToArray(), factors, dims);

        Assert.Equal(trained.Count, index.Count);
        var recall = 0.0;
        var newFound = 0;
        for (var q = 0; q < 50; q++)
        {
            var query = queries.AsSpan(q * dims, dims);
            var truth = exact.Search(query, k);
            var found = index.Search(query, k);
            Assert.All(found, hit => Assert.InRange(hit.Id, 0, trained.Count - 1));
            recall += VectorTestData.Recall(truth, found);
            newFound += found.Count(hit => !trained[(int)hit.Id]);
        }

        Assert.True(recall / 50 >= 0.95, $"recall@{k} {recall / 50:0.000}");
        Assert.True(newFound > 0, "the new videos (scaled up to rank high) are never found");
    }

    [Fact]
    public void Without_a_saved_index_a_small_catalog_is_searched_exactly()
    {
        var index = CatalogVectorIndex.Open(Path.Combine(_dir, "absent"), ItemFactorStore.Of([1, 0, 0, 1], 2), [true, true], [0, 1], new VectorIndexOptions());
        using (index)
        {
            Assert.IsType<ExactVectorIndex>(index);
            Assert.Equal(1L, index.Search([0f, 1f], 1)[0].Id);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
