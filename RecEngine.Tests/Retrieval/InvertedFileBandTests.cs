using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public sealed class InvertedFileBandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("recengine-ivf-").FullName;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(100)]
    public void The_8_bit_dot_product_is_the_integer_sum_of_products(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 20; trial++)
        {
            var a = new sbyte[length];
            var b = new sbyte[length];
            for (var i = 0; i < length; i++)
            {
                // The extremes included: -127 x -127 in every lane is the largest pair sum 16 bits must hold.
                a[i] = trial == 0 ? (sbyte)-127 : (sbyte)random.Next(-127, 128);
                b[i] = trial == 0 ? (sbyte)-127 : (sbyte)random.Next(-127, 128);
            }

            var expected = 0;
            for (var i = 0; i < length; i++)
            {
                expected += a[i] * b[i];
            }

            Assert.Equal(expected, InvertedFileBand.DotI8(a, b));
        }
    }

    [Fact]
    public void Quantizing_rounds_each_coordinate_to_within_half_the_scale()
    {
        float[] vector = [0.5f, -2f, 0.013f, 1.99f, 0f, -0.7f];
        var codes = new sbyte[vector.Length];
        var scale = InvertedFileBand.Quantize(vector, codes);

        Assert.Equal(2f / 127f, scale, 1e-7f);
        Assert.Equal(-127, codes[1]);
        for (var i = 0; i < vector.Length; i++)
        {
            Assert.InRange(MathF.Abs(vector[i] - (codes[i] * scale)), 0f, (scale / 2) + 1e-7f);
        }

        Assert.Equal(0f, InvertedFileBand.Quantize(new float[4], codes.AsSpan(0, 4)));
        Assert.All(codes[..4], c => Assert.Equal(0, c));
    }

    /// <summary>
    /// With every list probed, the 8-bit scores only decide which rows are re-scored, and the error bound keeps every
    /// row that could enter the top k: the answer is exact search's, ids and scores.
    /// </summary>
    [Fact]
    public void Probing_every_list_answers_as_exact_search_does()
    {
        const int n = 6000, dims = 16, k = 200, queries = 20;
        var vectors = VectorTestData.LongTailed(n, dims, seed: 51);
        var query = new ClusteredVectors(dims, clusters: 20, 51).Queries(queries, seed: 54);
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var built = NormRangedVectorIndex.Build(ids, vectors, dims, Inverted with { ExactBandBelow = 200, ListRows = 40 });

        var ranged = Assert.IsType<NormRangedVectorIndex>(built);
        Assert.True(ranged.InvertedBands >= 2, $"{ranged.InvertedBands} inverted bands of {ranged.Bands}");
        Assert.Equal(0, ranged.NativeBytes);
        ranged.ChangeProbedLists(4096);
        VectorTestData.AssertAnswersAsExact(exact, ranged, query, k);
    }

    /// <summary>
    /// Scores that differ by far less than the 8-bit rounding (the first coordinate, which alone decides the score,
    /// shares its row's scale with coordinates 5 times larger): the bound must send every near tie to be re-scored.
    /// The second coordinate falls as the score rises, so the band (in norm order) is read from the worst score up and
    /// the k-th best keeps rising past the rows' rounded scores.
    /// </summary>
    [Fact]
    public void Near_ties_within_the_8_bit_error_are_re_scored_not_dropped()
    {
        const int n = 2000, dims = 16, k = 100;
        var random = new Random(81);
        var vectors = new float[n * dims];
        for (var row = 0; row < n; row++)
        {
            var score = 1f + (random.Next(n) * 1e-4f);
            vectors[row * dims] = score;
            vectors[(row * dims) + 1] = 5f + (10f * (1.2f - score));
            for (var d = 2; d < dims; d++)
            {
                vectors[(row * dims) + d] = random.Next(2) == 0 ? 5f : -5f;
            }
        }

        var query = new float[dims];
        query[0] = 1f;
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var built = NormRangedVectorIndex.Build(ids, vectors, dims, Inverted with { ExactBandBelow = 0, ListRows = n, NormRatio = 1e6 });

        var ranged = Assert.IsType<NormRangedVectorIndex>(built);
        Assert.Equal(1, ranged.InvertedBands);
        Assert.Equal(exact.Search(query, k).Select(h => h.Id), ranged.Search(query, k).Select(h => h.Id));
    }

    [Fact]
    public void A_few_probed_lists_keep_recall_and_read_a_fraction_of_the_rows()
    {
        const int n = 20_000, dims = 16, k = 100, queries = 40;
        var mixture = new ClusteredVectors(dims, clusters: 80, seed: 61);
        var vectors = mixture.Items(n, seed: 62);
        var query = mixture.Queries(queries, seed: 63);
        var ids = VectorTestData.Ids(n);
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        using var built = NormRangedVectorIndex.Build(ids, vectors, dims, Inverted with { ListRows = 100, ProbedLists = 8, NormRatio = 1e6 });

        // Norms within the ratio: one band, and with inverted files that band is one inverted file, not a graph.
        var ranged = Assert.IsType<NormRangedVectorIndex>(built);
        Assert.Equal((1, 1), (ranged.Bands, ranged.InvertedBands));
        Assert.Equal(8, ranged.ProbedLists);
        var recall = 0.0;
        for (var q = 0; q < queries; q++)
        {
            recall += VectorTestData.Recall(exact.Search(query.AsSpan(q * dims, dims), k), ranged.Search(query.AsSpan(q * dims, dims), k));
        }

        Assert.True(recall / queries >= 0.95, $"recall@{k} {recall / queries:0.000}");

        // One list probed reads about one two-hundredth of the rows, and must lose recall: the lists are what is read.
        ranged.ChangeProbedLists(1);
        var narrow = 0.0;
        for (var q = 0; q < queries; q++)
        {
            narrow += VectorTestData.Recall(exact.Search(query.AsSpan(q * dims, dims), k), ranged.Search(query.AsSpan(q * dims, dims), k));
        }

        Assert.True(narrow / queries < recall / queries, $"one list {narrow / queries:0.000}, eight {recall / queries:0.000}");
    }

    /// <summary>Past <see cref="InvertedFileBand.FlatLists"/> lists (here past 256) the band is clustered in two levels; every row still lands in one list, and lists stay near the asked size.</summary>
    [Fact]
    public void Many_lists_are_clustered_in_two_levels_and_keep_every_row_and_the_recall()
    {
        const int n = 20_000, dims = 16, k = 100, queries = 30;
        var mixture = new ClusteredVectors(dims, clusters: 200, seed: 91);
        var vectors = mixture.Items(n, seed: 92);
        var query = mixture.Queries(queries, seed: 93);
        var ids = VectorTestData.Ids(n);
        var items = ItemVectors.ByIds(ids, vectors, dims);
        var band = InvertedFileBand.Build(ids, items, listRows: 16, flatLists: 256);

        Assert.Equal(n, band.Count);
        Assert.InRange(band.Lists, 1150, 1350); // 1,250 asked, each group's share rounded
        using var exact = new ExactVectorIndex(ids, vectors, dims);
        double recall = 0, all = 0;
        var codes = new sbyte[dims];
        for (var q = 0; q < queries; q++)
        {
            var vector = query.AsSpan(q * dims, dims);
            var scale = InvertedFileBand.Quantize(vector, codes);
            var truth = exact.Search(vector, k);
            var found = new VectorHit[k];
            var some = new TopK(k);
            band.SearchInto(vector, System.Numerics.Tensors.TensorPrimitives.Norm(vector), codes, scale, 32, items, ref some);
            recall += VectorTestData.Recall(truth, found[..some.CopySorted(found)]);
            var every = new TopK(k);
            band.SearchInto(vector, System.Numerics.Tensors.TensorPrimitives.Norm(vector), codes, scale, band.Lists, items, ref every);
            all += VectorTestData.Recall(truth, found[..every.CopySorted(found)]);
        }

        Assert.Equal(1.0, all / queries, 6);
        Assert.True(recall / queries >= 0.9, $"recall@{k} {recall / queries:0.000} with 32 of {band.Lists} lists");
    }

    [Fact]
    public void A_saved_index_of_inverted_files_opens_to_the_same_answers()
    {
        const int n = 6000, dims = 16, k = 50;
        var vectors = VectorTestData.LongTailed(n, dims, seed: 71);
        var ids = VectorTestData.Ids(n);
        var path = Path.Combine(_dir, "ivf.usearch");
        var query = new ClusteredVectors(dims, clusters: 20, 71).Queries(3, seed: 74);
        var options = Inverted with { ExactBandBelow = 600, ListRows = 50 };
        VectorHit[][] before;
        int bands, scanned, inverted;
        long bytes;
        using (var built = VectorIndexes.BuildApproximate(ids, vectors, dims, options))
        {
            var ranged = Assert.IsType<NormRangedVectorIndex>(built);
            (bands, scanned, inverted, bytes) = (ranged.Bands, ranged.ExactBands, ranged.InvertedBands, ranged.MemoryBytes);
            Assert.InRange(inverted, 1, bands - 1);
            Assert.Equal(bands, scanned + inverted);
            before = [.. Enumerable.Range(0, 3).Select(q => built.Search(query.AsSpan(q * dims, dims), k))];
            built.Save(path);
        }

        Assert.Equal(inverted, Directory.GetFiles(_dir, "ivf.usearch.band*.ivf").Length);
        using (var opened = VectorIndexes.Open(path, ItemVectors.ByIds(ids, vectors, dims), new VectorIndexOptions(), memoryMap: true))
        {
            var ranged = Assert.IsType<NormRangedVectorIndex>(opened);
            Assert.Equal((bands, scanned, inverted, n, bytes), (ranged.Bands, ranged.ExactBands, ranged.InvertedBands, ranged.Count, ranged.MemoryBytes));
            for (var q = 0; q < 3; q++)
            {
                Assert.Equal(before[q], opened.Search(query.AsSpan(q * dims, dims), k));
            }
        }

        // A truncated band file is refused by name, not read as garbage.
        var file = Directory.GetFiles(_dir, "ivf.usearch.band*.ivf")[0];
        var content = File.ReadAllBytes(file);
        File.WriteAllBytes(file, content[..^5]);
        var error = Assert.Throws<InvalidDataException>(() => VectorIndexes.Open(path, ItemVectors.ByIds(ids, vectors, dims), new VectorIndexOptions(), memoryMap: false));
        Assert.Contains(Path.GetFileName(file), error.Message);
    }

    [Fact]
    public void Bench_index_measures_inverted_files_at_each_probe_count()
    {
        VectorIndexOptions[] settings = [Inverted with { ListRows = 50, ProbedLists = 2, ExactBandBelow = 0 }, Inverted with { ListRows = 50, ProbedLists = 16, ExactBandBelow = 0 }];
        var result = BenchIndexVerb.Run(3000, 8, 50, 50, 20, 1, settings, CancellationToken.None);

        Assert.Equal("inverted-file", result.BandKind);
        Assert.Equal(16, result.ProbedLists);
        Assert.True(result.InvertedBands >= 1);
        Assert.Equal(0, result.GraphMemoryBytes);
        Assert.True(result.MemoryBytes >= 3000L * 8, $"{result.MemoryBytes} bytes");
        Assert.InRange(result.RecallAtK, 0.9, 1.0);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static VectorIndexOptions Inverted => new() { BandKind = BandKind.InvertedFile };
}
