using RecEngine.Training.Datasets;

namespace RecEngine.Training;

/// <summary>
/// How long a watch lasts, given that the video is watched: ln(seconds) = a + g ln(duration) + e, fitted by least
/// squares on the training window's watches. The expected watch seconds of an impression are then
/// P(watch) x E[seconds | watched], and E[seconds | watched] = exp(a + g ln d + s^2 / 2) for a log-normal e of
/// variance s^2 (the mean of a log-normal). The ranker's <c>watch_time</c> output is that product
/// (<see cref="Export.RankerOnnxExporter"/>): ordered by it, the demo world's slates took more of the oracle's watch
/// time than ordered by the weighted-logistic head (docs/decisions/0001, item 10, and the benchmarks it cites).
/// Where durations do not vary (imported ratings give every film the same), g is 0 and the order is P(watch)'s.
/// </summary>
internal sealed record WatchSecondsGivenWatch(double Intercept, double DurationExponent, double ResidualVariance, int Watches)
{
    /// <summary>The name of the raw numeric input the fit reads (and the exported graph reads back).</summary>
    public const string DurationFeature = "video_duration";

    /// <summary>Durations below a second count as a second (the logarithm of a zero-length video).</summary>
    public const double MinimumDuration = 1;

    /// <summary>The log-space constant of E[seconds | watched]: a + s^2 / 2.</summary>
    public double LogScale => Intercept + (ResidualVariance / 2);

    /// <summary>E[seconds | watched] for a video of <paramref name="durationSeconds"/>.</summary>
    public double ExpectedSeconds(double durationSeconds) =>
        Math.Exp(LogScale + (DurationExponent * Math.Log(Math.Max(durationSeconds, MinimumDuration))));

    /// <summary>
    /// Fits the watched rows of <paramref name="data"/> (label 1, positive seconds, a finite positive duration in the
    /// raw <see cref="DurationFeature"/> column <paramref name="durationColumn"/>). Fewer than two such rows give 1
    /// second whatever the duration; durations that do not vary give g = 0 and the mean of ln(seconds).
    /// </summary>
    public static WatchSecondsGivenWatch Fit(RankerDataset data, int durationColumn)
    {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var duration = data.Numeric[i][durationColumn];
            var seconds = data.WatchSeconds[i];
            if (data.Watched[i] < 0.5f || !(seconds > 0) || !double.IsFinite(duration) || duration <= 0)
            {
                continue;
            }

            var x = Math.Log(Math.Max(duration, MinimumDuration));
            var y = Math.Log(seconds);
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }

        if (n < 2)
        {
            return new WatchSecondsGivenWatch(0, 0, 0, (int)n);
        }

        var meanX = sx / n;
        var meanY = sy / n;
        var varX = (sxx / n) - (meanX * meanX);
        var varY = Math.Max(0, (syy / n) - (meanY * meanY));
        var covXy = (sxy / n) - (meanX * meanY);
        if (varX < 1e-9)
        {
            return new WatchSecondsGivenWatch(meanY, 0, varY, (int)n);
        }

        var slope = covXy / varX;
        var intercept = meanY - (slope * meanX);
        // Residual variance of the fit: var(y) - slope^2 var(x).
        var residual = Math.Max(0, varY - (slope * slope * varX));
        return new WatchSecondsGivenWatch(intercept, slope, residual, (int)n);
    }
}
