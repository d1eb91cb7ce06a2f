using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Logistic losses computed from logits, in the numerically stable form
/// l(z, y) = max(z, 0) - z y + log(1 + e^{-|z|}), whose gradient is sigmoid(z) - y.
/// The weighted form is the watch-time head of Covington et al. 2016 (sec. 4.2): positives weigh their watch
/// seconds and negatives 1, so the learned odds e^z approximate the expected watch time.
/// </summary>
internal static class LogisticLoss
{
    public static float Sigmoid(float z) => z >= 0f ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>Binary cross-entropy of one example from its logit, in double so sums over a batch stay exact.</summary>
    public static double BinaryCrossEntropy(float logit, float label)
    {
        double z = logit;
        return Math.Max(z, 0) - z * label + Math.Log(1 + Math.Exp(-Math.Abs(z)));
    }

    /// <summary>
    /// Sum over rows of weight[i] * bce(logits[i], labels[i]), times <paramref name="scale"/>; writes
    /// dL/dz = scale * weight * (sigmoid(z) - y) into <paramref name="gradient"/> (strided, to write into a
    /// [B, heads] logit gradient). An empty <paramref name="weights"/> means weight 1.
    /// </summary>
    public static double Compute(
        ReadOnlySpan<float> logits, int stride, ReadOnlySpan<float> labels, ReadOnlySpan<float> weights, float scale,
        Span<float> gradient)
    {
        var loss = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var z = logits[i * stride];
            var w = weights.IsEmpty ? 1f : weights[i];
            loss += w * BinaryCrossEntropy(z, labels[i]);
            if (!gradient.IsEmpty)
            {
                gradient[i * stride] = scale * w * (Sigmoid(z) - labels[i]);
            }
        }

        return loss * scale;
    }

    /// <summary>Covington et al.'s weights: watch seconds for a positive, 1 for a negative.</summary>
    public static float WatchTimeWeight(float watched, float watchSeconds) => watched > 0f ? Math.Max(watchSeconds, 0f) : 1f;
}
