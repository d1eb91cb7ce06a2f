using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public sealed class NormRangedVectorIndexTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recengine-normranged-").FullName;

    [Fact]
    public void Bands_together_find_the_exact_top_k_by_inner_product()
    {
        const int n = 4000, dims = 16, k = 50, queries = 40;
        var mixture = new ClusteredVectors(dims, clusters: 10, seed: 3);
        var vectors = mixture.Items(n, seed: 4);
        var query = mixture.Queries(queries, seed: 5);
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var ranged = NormRangedVectorIndex.Build(ids, vectors, dims, bands: 4, new VectorIndexOptions { ExpansionSearch = 128 });

        Assert.Equal(4, ranged.Bands);
        Assert.Equal(n, ranged.Count);
        var recall = 0.0;
        for (var q = 0; q < queries; q++)
        {
            var truth = exact.Search(query.AsSpan(q * dims, dims), k);
            var found = ranged.Search(query.AsSpan(q * dims, dims), k);
            Assert.Equal(found.OrderByDescending(h => h.Score).Select(h => h.Score), found.Select(h => h.Score));
            Assert.Equal(k, found.Select(h => h.Id).Distinct().Count());
            recall += VectorTestData.Recall(truth, found);
        }

        Assert.True(recall / queries >= 0.97, $"recall@{k} {recall / queries:0.000}");

        // A k larger than a band (1,000 items) must draw on several bands.
        var wide = ranged.Search(query.AsSpan(0, dims), 1500);
        Assert.True(VectorTestData.Recall(exact.Search(query.AsSpan(0, dims), 1500), wide) >= 0.97);
    }

    [Fact]
    public void A_saved_index_opens_to_the_same_answers_mapped_or_loaded()
    {
        const int n = 1500, dims = 8;
        var vectors = ClusteredVectors.Generate(n, dims, clusters: 6, seed: 9);
        var ids = VectorTestData.Ids(n);
        var path = Path.Combine(_dir, "index.usearch");
        var query = vectors.AsSpan(0, dims).ToArray();
        VectorHit[] before;
        using (var built = VectorIndexes.BuildApproximate(ids, vectors, dims, new VectorIndexOptions { NormRanges = 3 }))
        {
            Assert.IsType<NormRangedVectorIndex>(built);
            before = built.Search(query, 25);
            built.Save(path);
        }

        foreach (var memoryMap in new[] { true, false })
        {
            using var opened = VectorIndexes.Open(path, ItemVectors.ByIds(ids, vectors, dims), new VectorIndexOptions(), memoryMap);
            Assert.IsType<NormRangedVectorIndex>(opened);
            Assert.Equal(before, opened.Search(query, 25));
        }
    }

    [Fact]
    public void One_band_is_a_plain_graph_and_opens_as_one()
    {
        const int n = 500, dims = 4;
        var vectors = ClusteredVectors.Generate(n, dims, clusters: 3, seed: 1);
        var path = Path.Combine(_dir, "single.usearch");
        using (var built = VectorIndexes.BuildApproximate(VectorTestData.Ids(n), vectors, dims, new VectorIndexOptions { NormRanges = 1 }))
        {
            Assert.IsType<HnswVectorIndex>(built);
            built.Save(path);
        }

        using var opened = VectorIndexes.Open(path, ItemVectors.ByIds(VectorTestData.Ids(n), vectors, dims), new VectorIndexOptions(), memoryMap: false);
        Assert.IsType<HnswVectorIndex>(opened);
        Assert.Equal(n, opened.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
