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
        using var built = NormRangedVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, ExpansionSearch = 128, NormRatio = 1.25, ExactBandBelow = 0 });

        var ranged = Assert.IsType<NormRangedVectorIndex>(built);
        Assert.True(ranged.Bands >= 4, $"{ranged.Bands} bands");
        Assert.Equal(0, ranged.ExactBands);
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

        // A k larger than the first bands must draw on several bands.
        var wide = ranged.Search(query.AsSpan(0, dims), 1500);
        Assert.True(VectorTestData.Recall(exact.Search(query.AsSpan(0, dims), 1500), wide) >= 0.97);
    }

    /// <summary>
    /// Learned factors are long-tailed: a few popular items hold large norms and most are near zero (at a million
    /// videos, the largest norm was 500 times the median). Bands of equal size left the first band with norms from the
    /// largest down to the median, and recall@100 of the model's own user vectors was 0.06 (RESULTS.md).
    /// </summary>
    [Fact]
    public void Long_tailed_norms_keep_their_recall_in_eight_bits()
    {
        const int n = 20_000, dims = 16, k = 100, queries = 40;
        var mixture = new ClusteredVectors(dims, clusters: 50, seed: 21);
        var vectors = mixture.Items(n, seed: 22);
        var random = new Random(23);
        for (var row = 0; row < n; row++)
        {
            // Norms spread log-uniformly over four orders of magnitude, most of them far below the largest.
            var scale = MathF.Pow(10f, -4f * MathF.Sqrt((float)random.NextDouble()));
            for (var d = 0; d < dims; d++)
            {
                vectors[(row * dims) + d] *= scale;
            }
        }

        var query = mixture.Queries(queries, seed: 24);
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var ranged = NormRangedVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, Quantization = VectorQuantization.I8 });

        var recall = 0.0;
        for (var q = 0; q < queries; q++)
        {
            recall += VectorTestData.Recall(exact.Search(query.AsSpan(q * dims, dims), k), ranged.Search(query.AsSpan(q * dims, dims), k));
        }

        Assert.True(recall / queries >= 0.95, $"recall@{k} {recall / queries:0.000}");
    }

    [Fact]
    public void A_band_ends_where_the_norms_fall_below_its_largest_over_the_ratio_and_the_tail_shares_one()
    {
        float[] norms = [8f, 5f, 4.1f, 3.9f, 2f, 1f, 0.5f, 0.004f, 0.001f, 0f];

        // The floor is 8 / 1000: 0.004 and below go to the last band, whatever their spread.
        Assert.Equal([(0, 3), (3, 5), (5, 7), (7, 10)], NormRangedVectorIndex.BandBounds(norms, 2.0));
        Assert.Equal([(0, 7), (7, 10)], NormRangedVectorIndex.BandBounds(norms, 100.0));
        Assert.Equal([(0, 3)], NormRangedVectorIndex.BandBounds([1f, 0.9f, 0.6f], 2.0));
        Assert.Empty(NormRangedVectorIndex.BandBounds([], 2.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormRangedVectorIndex.BandBounds(norms, 1.0));
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
        using (var built = VectorIndexes.BuildApproximate(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, NormRatio = 1.25, ExactBandBelow = 0 }))
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
    public void Norms_within_the_ratio_are_a_plain_graph_and_open_as_one()
    {
        const int n = 500, dims = 4;
        var vectors = ClusteredVectors.Generate(n, dims, clusters: 3, seed: 1);
        var path = Path.Combine(_dir, "single.usearch");
        using (var built = VectorIndexes.BuildApproximate(VectorTestData.Ids(n), vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, NormRatio = 1e6 }))
        {
            Assert.IsType<HnswVectorIndex>(built);
            built.Save(path);
        }

        using var opened = VectorIndexes.Open(path, ItemVectors.ByIds(VectorTestData.Ids(n), vectors, dims), new VectorIndexOptions(), memoryMap: false);
        Assert.IsType<HnswVectorIndex>(opened);
        Assert.Equal(n, opened.Count);
    }

    [Fact]
    public void Bands_scanned_exactly_answer_as_exact_search_does()
    {
        const int n = 6000, dims = 16, k = 200, queries = 20;
        var vectors = VectorTestData.LongTailed(n, dims, seed: 31);
        var query = new ClusteredVectors(dims, clusters: 20, 31).Queries(queries, seed: 34);
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var built = NormRangedVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, ExactBandBelow = int.MaxValue });

        var ranged = Assert.IsType<NormRangedVectorIndex>(built);
        Assert.True(ranged.Bands >= 4, $"{ranged.Bands} bands");
        Assert.Equal(ranged.Bands, ranged.ExactBands);
        Assert.Equal(0, ranged.NativeBytes);
        Assert.Equal(n, ranged.Count);
        Assert.Equal(dims, ranged.Dimensions);
        VectorTestData.AssertAnswersAsExact(exact, ranged, query, k);
    }

    [Fact]
    public void Small_bands_are_scanned_and_large_ones_keep_their_graph_through_a_save()
    {
        const int n = 6000, dims = 16, k = 50;
        var vectors = VectorTestData.LongTailed(n, dims, seed: 41);
        var ids = VectorTestData.Ids(n);
        var path = Path.Combine(_dir, "mixed.usearch");
        var query = new ClusteredVectors(dims, clusters: 20, 41).Queries(1, seed: 44);
        var options = new VectorIndexOptions { BandKind = BandKind.Graph, ExactBandBelow = 600 };
        VectorHit[] before;
        int bands, scanned;
        using (var built = VectorIndexes.BuildApproximate(ids, vectors, dims, options))
        {
            var ranged = Assert.IsType<NormRangedVectorIndex>(built);
            (bands, scanned) = (ranged.Bands, ranged.ExactBands);
            Assert.InRange(scanned, 1, bands - 1);
            Assert.True(ranged.NativeBytes > 0);
            before = built.Search(query, k);
            built.Save(path);
        }

        Assert.Equal(scanned, Directory.GetFiles(_dir, "mixed.usearch.band*.ids").Length);
        foreach (var memoryMap in new[] { true, false })
        {
            using var opened = VectorIndexes.Open(path, ItemVectors.ByIds(ids, vectors, dims), options, memoryMap);
            var ranged = Assert.IsType<NormRangedVectorIndex>(opened);
            Assert.Equal((bands, scanned, n), (ranged.Bands, ranged.ExactBands, ranged.Count));
            Assert.Equal(before, opened.Search(query, k));
        }
    }

    [Fact]
    public void A_scanned_band_whose_ids_file_is_torn_refuses_to_open()
    {
        const int n = 3000, dims = 8;
        var vectors = VectorTestData.LongTailed(n, dims, seed: 51);
        var ids = VectorTestData.Ids(n);
        var path = Path.Combine(_dir, "torn.usearch");
        using (var built = VectorIndexes.BuildApproximate(ids, vectors, dims, new VectorIndexOptions { BandKind = BandKind.Graph, ExactBandBelow = int.MaxValue }))
        {
            built.Save(path);
        }

        var band = path + ".band0.ids";
        File.WriteAllBytes(band, File.ReadAllBytes(band)[..^3]);
        var error = Assert.Throws<InvalidDataException>(() => VectorIndexes.Open(path, ItemVectors.ByIds(ids, vectors, dims), new VectorIndexOptions(), memoryMap: false));
        Assert.Contains("band0.ids", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_empty_catalog_builds_one_empty_graph_that_answers_nothing()
    {
        using var index = NormRangedVectorIndex.Build([], Array.Empty<float>(), 4, new VectorIndexOptions());
        Assert.IsType<HnswVectorIndex>(index);
        Assert.Equal(4, index.Dimensions);
        Assert.Equal(0, index.Search([1f, 0f, 0f, 0f], new VectorHit[5]));
    }

}
