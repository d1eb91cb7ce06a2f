using RecEngine.Training;
using RecEngine.Training.Network;

namespace RecEngine.Tests.Training;

public sealed class LayerGradientTests
{
    // Five rows and odd widths exercise the 4-row SIMD blocks, their remainders and the vector tails.
    private const int Batch = 5;

    [Fact]
    public void Dense_gradients_match_finite_differences()
    {
        var random = new Random(1);
        var layer = new DenseLayer(11, 6);
        layer.InitializeGlorot(random);
        GradientCheck.Random(random, 6, 0.5f).CopyTo(layer.Bias, 0);
        var x = GradientCheck.Random(random, Batch * 11);
        var r = GradientCheck.Random(random, Batch * 6);
        var y = new float[Batch * 6];
        double Loss()
        {
            layer.Forward(x, y, Batch);
            return GradientCheck.Project(y, r);
        }

        var dW = new float[layer.Weights.Length];
        var db = new float[6];
        var dx = new float[x.Length];
        layer.Backward(x, r, dx, dW, db, Batch);

        GradientCheck.AssertClose("dL/dW", layer.Weights, dW, Loss);
        GradientCheck.AssertClose("dL/db", layer.Bias, db, Loss);
        GradientCheck.AssertClose("dL/dx", x, dx, Loss);
    }

    [Fact]
    public void Dense_backward_accumulates_parameter_gradients()
    {
        var layer = new DenseLayer(2, 1);
        layer.Weights[0] = 1;
        var dW = new float[] { 10, 10 };
        var db = new float[] { 10 };
        layer.Backward([1, 2], [1], [], dW, db, 1);
        Assert.Equal([11f, 12f], dW);
        Assert.Equal(11f, db[0]);
    }

    [Fact]
    public void Relu_gradient_matches_finite_differences()
    {
        var random = new Random(2);
        // Keep inputs away from the kink at 0 so that +-eps never crosses it.
        var x = GradientCheck.Random(random, 12).Select(v => v + MathF.CopySign(0.1f, v)).ToArray();
        var r = GradientCheck.Random(random, 12);
        var y = new float[12];
        double Loss()
        {
            x.CopyTo(y, 0);
            Relu.Forward(y);
            return GradientCheck.Project(y, r);
        }

        Loss();
        var dx = (float[])r.Clone();
        Relu.Backward(y, dx);
        Assert.Contains(dx, g => g == 0f);
        GradientCheck.AssertClose("dL/dx", x, dx, Loss);
    }

    [Fact]
    public void Cross_gradients_match_finite_differences()
    {
        const int Width = 11;
        var random = new Random(3);
        var cross = new CrossLayer(Width);
        cross.Linear.InitializeGlorot(random);
        GradientCheck.Random(random, Width, 0.5f).CopyTo(cross.Linear.Bias, 0);
        var x0 = GradientCheck.Random(random, Batch * Width);
        var xl = GradientCheck.Random(random, Batch * Width);
        var r = GradientCheck.Random(random, Batch * Width);
        var u = new float[Batch * Width];
        var y = new float[Batch * Width];
        double Loss()
        {
            cross.Forward(x0, xl, u, y, Batch);
            return GradientCheck.Project(y, r);
        }

        Loss();
        var du = new float[Batch * Width];
        var dx0 = new float[Batch * Width];
        var dxl = new float[Batch * Width];
        var dW = new float[Width * Width];
        var db = new float[Width];
        cross.Backward(x0, xl, u, r, du, dx0, dxl, dW, db, Batch);

        GradientCheck.AssertClose("dL/dW", cross.Linear.Weights, dW, Loss);
        GradientCheck.AssertClose("dL/db", cross.Linear.Bias, db, Loss);
        GradientCheck.AssertClose("dL/dx0", x0, dx0, Loss);
        GradientCheck.AssertClose("dL/dx_l", xl, dxl, Loss);
    }

    [Fact]
    public void Embedding_gradient_matches_finite_differences_with_repeated_and_out_of_vocabulary_ids()
    {
        const int Width = 3, Stride = 7, Offset = 2, Fields = 2;
        var random = new Random(4);
        var table = new EmbeddingTable(5, Width);
        table.Initialize(random, 1f);
        // Field 1 of each row: a repeated id, an out-of-range id and a negative one (both go to row 0).
        long[] ids = [9, 2, 9, 2, 9, 99, 9, -4];
        const int Rows = 4;
        var r = GradientCheck.Random(random, Rows * Stride);
        var output = new float[Rows * Stride];
        double Loss()
        {
            table.Forward(ids, Fields, 1, output, Stride, Offset, Rows);
            return GradientCheck.Project(output, r);
        }

        var sparse = new SparseRowGradient(Width);
        table.Backward(ids, Fields, 1, r, Stride, Offset, Rows, sparse);
        Assert.Equal([2, 0], Enumerable.Range(0, sparse.Count).Select(sparse.RowAt));
        var dense = new float[table.Values.Length];
        for (var slot = 0; slot < sparse.Count; slot++)
        {
            sparse.GradientAt(slot).CopyTo(dense.AsSpan(sparse.RowAt(slot) * Width));
        }

        GradientCheck.AssertClose("dL/dtable", table.Values, dense, Loss);
    }

    [Fact]
    public void Sigmoid_cross_entropy_gradient_matches_finite_differences()
    {
        var random = new Random(5);
        var z = GradientCheck.Random(random, 8, 4f);
        float[] labels = [1, 0, 1, 1, 0, 0, 1, 0];
        var gradient = new float[8];
        LogisticLoss.Compute(z, 1, labels, [], 0.5f, gradient);
        GradientCheck.AssertClose("dL/dz", z, gradient, () => LogisticLoss.Compute(z, 1, labels, [], 0.5f, []), eps: 1e-3f);
    }

    [Fact]
    public void Weighted_logistic_gradient_matches_finite_differences()
    {
        var random = new Random(6);
        var z = GradientCheck.Random(random, 8, 4f);
        float[] watched = [1, 0, 1, 1, 0, 0, 1, 0];
        float[] seconds = [30, 0, 5, 120, 0, 0, 2, 0];
        var weights = watched.Select((w, i) => LogisticLoss.WatchTimeWeight(w, seconds[i])).ToArray();
        Assert.Equal([30f, 1, 5, 120, 1, 1, 2, 1], weights);
        var gradient = new float[8];
        LogisticLoss.Compute(z, 1, watched, weights, 0.01f, gradient);
        GradientCheck.AssertClose("dL/dz", z, gradient, () => LogisticLoss.Compute(z, 1, watched, weights, 0.01f, []), eps: 1e-3f);
    }

    [Fact]
    public void Logistic_loss_is_stable_for_extreme_logits()
    {
        Assert.Equal(100.0, LogisticLoss.BinaryCrossEntropy(-100f, 1f), 6);
        Assert.Equal(0.0, LogisticLoss.BinaryCrossEntropy(100f, 1f), 6);
        Assert.Equal(100.0, LogisticLoss.BinaryCrossEntropy(100f, 0f), 6);
        Assert.Equal(1f, LogisticLoss.Sigmoid(100f));
        Assert.Equal(0f, LogisticLoss.Sigmoid(-200f));
        Assert.False(float.IsNaN(LogisticLoss.Sigmoid(-1000f)));
    }

    [Fact]
    public void Check_fails_when_a_gradient_has_a_flipped_sign()
    {
        var random = new Random(7);
        var layer = new DenseLayer(5, 4);
        layer.InitializeGlorot(random);
        var x = GradientCheck.Random(random, Batch * 5);
        var r = GradientCheck.Random(random, Batch * 4);
        var y = new float[Batch * 4];
        var dW = new float[layer.Weights.Length];
        layer.Backward(x, r, [], dW, new float[4], Batch);
        for (var i = 0; i < 4; i++)
        {
            dW[i] = -dW[i];
        }

        var error = GradientCheck.RelativeError(layer.Weights, dW, () =>
        {
            layer.Forward(x, y, Batch);
            return GradientCheck.Project(y, r);
        });
        Assert.True(error > GradientCheck.Tolerance * 10, $"A gradient with 4 of 20 signs flipped passed the check (error {error:E2}).");
    }
}
