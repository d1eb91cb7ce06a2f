using System.Numerics.Tensors;
using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

/// <summary>
/// Item factors held as float16 read back as their float32 originals within float16's precision (11 significant bits),
/// through every access path serving uses, and take half the bytes.
/// </summary>
public sealed class ItemFactorStoreTests
{
    private const int Dims = 64;

    /// <summary>Float16's unit roundoff: round-to-nearest moves a normal value by at most this share of itself.</summary>
    private const double HalfEpsilon = 1.0 / 2048;

    private static (float[] Vectors, float[] Queries) Factors(int items = 2000, int queries = 20) =>
        VectorTestData.Mixture(items, queries, Dims, 16, seed: 11);

    [Fact]
    public void Float16_rows_equal_the_float32_rows_within_half_precision_and_take_half_the_bytes()
    {
        var (vectors, _) = Factors();
        var single = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F32);
        var half = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F16);

        Assert.Equal(ItemFactorPrecision.F32, single.Precision);
        Assert.Same(vectors, single.SingleMatrix);
        Assert.Equal(ItemFactorPrecision.F16, half.Precision);
        Assert.Null(half.SingleMatrix);
        Assert.Equal(vectors.Length * 4L, single.Bytes);
        Assert.Equal(vectors.Length * 2L, half.Bytes);
        Assert.Equal(single.Count, half.Count);

        var buffer = new float[Dims];
        var changed = 0;
        for (var row = 0; row < half.Count; row++)
        {
            var exact = vectors.AsSpan(row * Dims, Dims);
            Assert.True(exact.SequenceEqual(single.Row(row, buffer)));
            var read = half.Row(row, buffer);
            for (var d = 0; d < Dims; d++)
            {
                // Relative for normal values, absolute (half the smallest subnormal step) near zero.
                Assert.True(Math.Abs(read[d] - exact[d]) <= Math.Max(Math.Abs(exact[d]) * HalfEpsilon, 3e-8), $"row {row}, {d}: {read[d]} vs {exact[d]}");
                changed += read[d] != exact[d] ? 1 : 0;
            }

            Assert.Equal(read.ToArray(), half.RowArray(row));
        }

        // The values really were rounded: the test would not notice a store that kept float32.
        Assert.True(changed > vectors.Length / 2, $"only {changed} of {vectors.Length} values changed");
    }

    [Fact]
    public void Dot_products_agree_with_float32_within_the_rounding_of_the_rows()
    {
        var (vectors, queries) = Factors();
        var single = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F32);
        var half = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F16);
        var buffer = new float[Dims];
        for (var q = 0; q < 20; q++)
        {
            var query = queries.AsSpan(q * Dims, Dims);
            for (var row = 0; row < half.Count; row += 7)
            {
                var exact = TensorPrimitives.Dot(query, vectors.AsSpan(row * Dims, Dims));
                Assert.Equal(exact, single.Dot(query, row));
                // |q.(x + e)| - |q.x| <= |q| |e| <= |q| |x| 2^-11.
                var bound = TensorPrimitives.Norm(query) * TensorPrimitives.Norm(vectors.AsSpan(row * Dims, Dims)) * HalfEpsilon * 1.01;
                var approximate = half.Dot(query, row);
                Assert.True(Math.Abs(approximate - exact) <= bound + 1e-6, $"query {q}, row {row}: {approximate} vs {exact} (bound {bound})");
                Assert.Equal(TensorPrimitives.Dot(query, half.Row(row, buffer)), approximate);
            }
        }

        for (var a = 0; a < 50; a++)
        {
            var b = (a * 37) + 5;
            var exact = TensorPrimitives.Dot(vectors.AsSpan(a * Dims, Dims), vectors.AsSpan(b * Dims, Dims));
            Assert.Equal(exact, single.Dot(a, b));
            var bound = TensorPrimitives.Norm(vectors.AsSpan(a * Dims, Dims)) * TensorPrimitives.Norm(vectors.AsSpan(b * Dims, Dims)) * 2 * HalfEpsilon * 1.01;
            Assert.True(Math.Abs(half.Dot(a, b) - exact) <= bound + 1e-6, $"{a}.{b}");
        }
    }

    [Fact]
    public void A_matrix_beyond_float16s_range_stays_float32()
    {
        var store = ItemFactorStore.Create([1f, 70_000f, 0.5f, -2f], 2, ItemFactorPrecision.F16);
        Assert.Equal(ItemFactorPrecision.F32, store.Precision);
        Assert.Equal(70_000f, store.Dot([0f, 1f], 0));
    }

    [Fact]
    public void The_exact_index_over_float16_rows_returns_their_dot_products_and_the_float32_neighbours()
    {
        var (vectors, queries) = Factors(items: 3000);
        var ids = VectorTestData.Ids(3000);
        var half = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F16);
        var keys = ids.Select((id, row) => (id, row)).ToDictionary(x => x.id, x => x.row);
        foreach (var parallel in new[] { false, true })
        {
            using var exact = new ExactVectorIndex(ids, vectors, Dims, parallel);
            using var compact = new ExactVectorIndex(ids, half, parallel);
            var recall = 0.0;
            for (var q = 0; q < 20; q++)
            {
                var query = queries.AsSpan(q * Dims, Dims).ToArray();
                var truth = exact.Search(query, 50);
                var found = compact.Search(query, 50);
                Assert.All(found, hit => Assert.Equal(half.Dot(query, keys[hit.Id]), hit.Score));
                Assert.True(found.Zip(found.Skip(1)).All(p => p.First.Score >= p.Second.Score));
                recall += VectorTestData.Recall(truth, found);
            }

            // Only near ties (within 2^-11 of a score) can swap across the 50th place.
            Assert.True(recall / 20 >= 0.98, $"recall@50 {recall / 20:0.000}");
        }
    }

    [Theory]
    [InlineData(BandKind.Graph)]
    [InlineData(BandKind.InvertedFile)]
    public void An_index_over_float16_rows_re_scores_its_hits_from_them(BandKind kind)
    {
        var (vectors, queries) = Factors(items: 3000);
        var ids = VectorTestData.Ids(3000);
        var half = ItemFactorStore.Create(vectors, Dims, ItemFactorPrecision.F16);
        var keys = ids.Select((id, row) => (id, row)).ToDictionary(x => x.id, x => x.row);
        var options = new VectorIndexOptions { BandKind = kind, ExactBelow = 0, ExactBandBelow = 0, NormRatio = 1.5, BuildThreads = 2, ExpansionSearch = 128, ListRows = 50 };
        using var index = VectorIndexes.Build(ids, half, options);
        var ranged = Assert.IsType<NormRangedVectorIndex>(index);
        Assert.Equal(kind == BandKind.InvertedFile ? ranged.Bands : 0, ranged.InvertedBands);
        using var exact = new ExactVectorIndex(ids, vectors, Dims);
        var recall = 0.0;
        for (var q = 0; q < 20; q++)
        {
            var query = queries.AsSpan(q * Dims, Dims).ToArray();
            var found = index.Search(query, 50);
            Assert.All(found, hit => Assert.Equal(half.Dot(query, keys[hit.Id]), hit.Score));
            recall += VectorTestData.Recall(exact.Search(query, 50), found);
        }

        Assert.True(recall / 20 >= 0.9, $"recall@50 {recall / 20:0.000}");
    }

    [Fact]
    public void Fold_in_over_float16_item_factors_agrees_with_float32()
    {
        var (interactions, users, items, _) = AlsTrainerTests.Planted(users: 120, items: 80, perUser: 12, seed: 6);
        var trained = AlsTrainer.Train(interactions, users, items, new AlsOptions { Factors = 16, Iterations = 6, Seed = 3, Threads = 1 });
        var half = new AlsModel(0, trained.Factors, trained.Regularization, [], ItemFactorStore.Create(trained.ItemFactors, trained.Factors, ItemFactorPrecision.F16), trained.ItemGramian);
        Assert.Equal(ItemFactorPrecision.F16, half.Items.Precision);
        Assert.Throws<InvalidOperationException>(() => half.ItemFactors);

        for (var u = 0; u < 20; u++)
        {
            var history = interactions.Where(x => x.User == u).ToList();
            var itemsOf = history.Select(x => x.Item).ToArray();
            var confidences = history.Select(x => x.Confidence).ToArray();
            var exact = trained.FoldIn(itemsOf, confidences);
            var approximate = half.FoldIn(itemsOf, confidences);
            var error = Math.Sqrt(exact.Zip(approximate).Sum(p => Math.Pow(p.First - p.Second, 2)));
            var norm = TensorPrimitives.Norm(exact);
            Assert.True(norm > 0);
            Assert.True(error <= 0.01 * norm, $"user {u}: |difference| {error:g3} against |vector| {norm:g3}");
        }
    }
}
