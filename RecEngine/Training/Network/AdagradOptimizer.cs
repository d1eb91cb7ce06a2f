using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer 2011) for embedding tables, updating only the rows a batch touched:
/// G_r += g_r^2, w_r -= lr * g_r / (sqrt(G_r) + eps). Rare ids keep large steps, frequent ones settle.
/// </summary>
internal sealed class AdagradOptimizer
{
    private readonly float[] _accumulator;

    public AdagradOptimizer(EmbeddingTable table, float learningRate = 0.05f, float initialAccumulator = 0.1f, float epsilon = 1e-8f)
    {
        Table = table;
        LearningRate = learningRate;
        Epsilon = epsilon;
        _accumulator = new float[table.Values.Length];
        Array.Fill(_accumulator, initialAccumulator);
    }

    public EmbeddingTable Table { get; }
    public float LearningRate { get; set; }
    public float Epsilon { get; }

    public void Step(SparseRowGradient gradient)
    {
        var width = Table.Width;
        for (var slot = 0; slot < gradient.Count; slot++)
        {
            var offset = gradient.RowAt(slot) * width;
            var g = gradient.GradientAt(slot);
            for (var j = 0; j < width; j++)
            {
                _accumulator[offset + j] += g[j] * g[j];
                Table.Values[offset + j] -= LearningRate * g[j] / (MathF.Sqrt(_accumulator[offset + j]) + Epsilon);
            }
        }
    }
}
