using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// The multi-task loss: L = (1/B) sum bce(z0, watched) + lambda * sum w bce(z1, watched) / sum w, with
/// w = watch seconds for positives and 1 for negatives (Covington et al. 2016). The watch-time term is a
/// weighted mean so that its scale does not depend on the unit of time.
/// </summary>
internal static class RankerLoss
{
    /// <summary>
    /// Adds the loss of <paramref name="rows"/> rows (already forwarded in <paramref name="ws"/>) and writes
    /// dL/dz into <see cref="RankerWorkspace.LogitGradient"/>. The scales come from the whole mini-batch:
    /// <paramref name="watchScale"/> = 1/B, <paramref name="timeScale"/> = lambda / sum w.
    /// </summary>
    public static (double Watch, double WatchTime) Compute(
        RankerWorkspace ws, ReadOnlySpan<float> watched, ReadOnlySpan<float> watchSeconds, int rows, float watchScale, float timeScale)
    {
        Span<float> weights = rows <= 1024 ? stackalloc float[rows] : new float[rows];
        for (var i = 0; i < rows; i++)
        {
            weights[i] = LogisticLoss.WatchTimeWeight(watched[i], watchSeconds[i]);
        }

        var logits = ws.Logits.AsSpan(0, rows * RankerNetwork.Heads);
        var gradient = ws.LogitGradient.AsSpan(0, rows * RankerNetwork.Heads);
        var watch = LogisticLoss.Compute(logits, RankerNetwork.Heads, watched[..rows], [], watchScale, gradient);
        var time = LogisticLoss.Compute(logits[RankerNetwork.WatchTimeHead..], RankerNetwork.Heads, watched[..rows], weights,
            timeScale, gradient[RankerNetwork.WatchTimeHead..]);
        return (watch, time);
    }

    /// <summary>Sum of watch-time weights over rows, the denominator of the weighted mean.</summary>
    public static double WeightSum(ReadOnlySpan<float> watched, ReadOnlySpan<float> watchSeconds)
    {
        var sum = 0.0;
        for (var i = 0; i < watched.Length; i++)
        {
            sum += LogisticLoss.WatchTimeWeight(watched[i], watchSeconds[i]);
        }

        return sum;
    }
}
