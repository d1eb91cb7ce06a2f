using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Tests.Training;

public sealed class TokenBagEmbeddingTests
{
    private static TokenBagEmbedding Bag(int seed)
    {
        var bag = new TokenBagEmbedding(new TextField("title", Buckets: 6, Tokens: 4, Width: 3));
        bag.Table.Initialize(new Random(seed), 1f);
        return bag;
    }

    [Fact]
    public void Gradient_matches_finite_differences_with_repeats_padding_and_corrupt_ids()
    {
        const int Stride = 9, Offset = 2, IdStride = 6, FirstSlot = 2, Rows = 4;
        var bag = Bag(5);
        // Per row: two categorical ids (ignored here), then four token slots: repeats, padding, ids out of range.
        long[] ids =
        [
            7, 7, 1, 2, 2, 0,
            7, 7, 5, -3, 99, 0,
            7, 7, 0, 0, 0, 0,
            7, 7, 3, 3, 3, 3,
        ];
        var r = GradientCheck.Random(new Random(6), Rows * Stride);
        var output = new float[Rows * Stride];
        double Loss()
        {
            bag.Forward(ids, IdStride, FirstSlot, output, Stride, Offset, Rows);
            return GradientCheck.Project(output, r);
        }

        var sparse = new SparseRowGradient(bag.Width);
        bag.Backward(ids, IdStride, FirstSlot, r, Stride, Offset, Rows, sparse);
        Assert.Equal([1, 2, 5, 3], Enumerable.Range(0, sparse.Count).Select(sparse.RowAt));
        var dense = new float[bag.Table.Values.Length];
        for (var slot = 0; slot < sparse.Count; slot++)
        {
            sparse.GradientAt(slot).CopyTo(dense.AsSpan(sparse.RowAt(slot) * bag.Width));
        }

        GradientCheck.AssertClose("dL/dtoken table", bag.Table.Values, dense, Loss);
    }

    [Fact]
    public void Forward_is_the_mean_of_the_valid_tokens_and_zero_for_an_empty_bag()
    {
        var bag = Bag(7);
        long[] ids = [1, 3, 0, 99, 0, 0, -1, 0];
        var output = new float[2 * bag.Width];
        bag.Forward(ids, 4, 0, output, bag.Width, 0, 2);
        for (var j = 0; j < bag.Width; j++)
        {
            var expected = (bag.Table.Values[(1 * bag.Width) + j] + bag.Table.Values[(3 * bag.Width) + j]) / 2;
            Assert.Equal(expected, output[j], 6);
            Assert.Equal(0f, output[bag.Width + j]);
        }
    }

    [Fact]
    public void Onnx_bag_equals_the_training_bag_and_padding_only_rows_score()
    {
        var network = new RankerNetwork(TinyRanker.Options(), seed: 8);
        var data = TinyRanker.RandomExamples(network, 50, seed: 9);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(network), "bag", new OnnxRankerOptions(), network.DenseFeatures, network.IdWidth);
        var expected = new float[50];
        network.Predict(data.Dense, data.Categorical, 50, expected, new float[50]);
        var p = new float[50];
        ranker.Score(data.Dense, data.Categorical, 50, p, new float[50]);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(float.IsFinite(p[i]), $"Row {i} (tokens {string.Join(',', data.Categorical.AsSpan(i * network.IdWidth, network.IdWidth).ToArray())}) scored {p[i]}.");
            Assert.True(Math.Abs(p[i] - expected[i]) <= 1e-5, $"Row {i}: ONNX {p[i]} vs C# {expected[i]}.");
        }
    }
}
