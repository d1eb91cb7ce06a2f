using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Adam (Kingma and Ba 2015, algorithm 1) for dense parameters: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// w -= lr * m_hat / (sqrt(v_hat) + eps) with the bias corrections m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
/// </summary>
internal sealed class AdamOptimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _step;

    public AdamOptimizer(IReadOnlyList<float[]> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        Parameters = parameters;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _m = [.. parameters.Select(p => new float[p.Length])];
        _v = [.. parameters.Select(p => new float[p.Length])];
    }

    public IReadOnlyList<float[]> Parameters { get; }
    public float LearningRate { get; set; }
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }

    /// <summary>One step with <paramref name="gradients"/> listed in the order of the parameters.</summary>
    public void Step(IReadOnlyList<float[]> gradients)
    {
        _step++;
        var stepSize = LearningRate * MathF.Sqrt(1f - MathF.Pow(Beta2, _step)) / (1f - MathF.Pow(Beta1, _step));
        // The step-size form of the bias correction (Kingma and Ba, end of sec. 2); eps is scaled to match.
        var epsHat = Epsilon * MathF.Sqrt(1f - MathF.Pow(Beta2, _step));
        for (var p = 0; p < Parameters.Count; p++)
        {
            var w = Parameters[p];
            var g = gradients[p];
            var m = _m[p];
            var v = _v[p];
            for (var i = 0; i < w.Length; i++)
            {
                m[i] = Beta1 * m[i] + (1f - Beta1) * g[i];
                v[i] = Beta2 * v[i] + (1f - Beta2) * g[i] * g[i];
                w[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) + epsHat);
            }
        }
    }
}
