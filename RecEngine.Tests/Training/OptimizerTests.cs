using RecEngine.Training;
using RecEngine.Training.Network;

namespace RecEngine.Tests.Training;

public sealed class OptimizerTests
{
    [Fact]
    public void Adam_minimises_a_quadratic()
    {
        float[] w = [3f, -2f];
        var adam = new AdamOptimizer([w], learningRate: 0.1f);
        var g = new float[2];
        for (var step = 0; step < 500; step++)
        {
            // L = (w0 - 1)^2 + 10 (w1 + 0.5)^2
            g[0] = 2 * (w[0] - 1);
            g[1] = 20 * (w[1] + 0.5f);
            adam.Step([g]);
        }

        Assert.Equal(1f, w[0], 0.01f);
        Assert.Equal(-0.5f, w[1], 0.01f);
    }

    [Fact]
    public void Adam_first_step_moves_each_weight_by_the_learning_rate()
    {
        // With bias correction, step 1 is lr * g / |g| whatever the gradient's scale (Kingma and Ba 2015, sec. 3).
        float[] w = [0f, 0f];
        new AdamOptimizer([w], learningRate: 0.01f).Step([[1000f, -0.001f]]);
        Assert.Equal(-0.01f, w[0], 1e-5f);
        Assert.Equal(0.01f, w[1], 1e-4f);
    }

    [Fact]
    public void Adagrad_updates_only_the_rows_in_the_sparse_gradient()
    {
        var table = new EmbeddingTable(4, 2);
        Array.Fill(table.Values, 1f);
        var adagrad = new AdagradOptimizer(table, learningRate: 0.5f, initialAccumulator: 0f);
        var gradient = new SparseRowGradient(2);
        gradient.Add(2, [2f, -1f]);
        adagrad.Step(gradient);

        // First step: w -= lr * g / sqrt(g^2) = lr * sign(g).
        Assert.Equal([1f, 1f, 1f, 1f, 0.5f, 1.5f, 1f, 1f], table.Values);
    }
}
