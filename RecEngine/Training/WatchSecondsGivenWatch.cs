using RecEngine.Training.Datasets;

namespace RecEngine.Training;

/// <summary>
/// How long a watch lasts, given that the video is watched: E[seconds | watched, d] = exp(a + g ln d), fitted on the
/// training window's watches by Poisson pseudo-maximum likelihood, which estimates a log-linear conditional mean
/// consistently whatever the spread of the seconds around it (Gourieroux, Monfort and Trognon 1984; Santos Silva and
/// Tenreyro 2006, "The Log of Gravity"). Least squares on ln(seconds) estimates the mean of the logarithm instead, and
/// where the spread grows with the duration (it does: a long video's watches range from a minute to all of it) that
/// understates how the mean grows (benchmarks/RESULTS.md, 2026-12-06 20:50 entry).
/// The expected watch seconds of an impression are then P(watch) x E[seconds | watched], the ranker's
/// <c>watch_time</c> output (<see cref="Export.RankerOnnxExporter"/>): ordered by it, the demo world's slates took
/// more of the oracle's watch time than ordered by the weighted-logistic head (docs/decisions/0001, item 10).
/// Where durations do not vary (imported ratings give every film the same), g is 0 and the order is P(watch)'s.
/// </summary>
internal sealed record WatchSecondsGivenWatch(double Intercept, double DurationExponent, int Watches)
{
    /// <summary>
    /// When set, the exported order is P(watch) x ln(1 + E[seconds | watched] / 60), expected satisfaction in
    /// ln-minutes, instead of P(watch) x E[seconds | watched] (<see cref="Ranking.RankerOrder.ExpectedSatisfaction"/>).
    /// </summary>
    public bool Satisfaction { get; init; }

    /// <summary>Seconds per unit of the satisfaction order's length: a minute.</summary>
    public const double SatisfactionSeconds = 60;

    /// <summary>The name of the raw numeric input the fit reads (and the exported graph reads back).</summary>
    public const string DurationFeature = "video_duration";

    /// <summary>Durations below a second count as a second (the logarithm of a zero-length video).</summary>
    public const double MinimumDuration = 1;

    private const int MaxIterations = 50;

    /// <summary>E[seconds | watched] for a video of <paramref name="durationSeconds"/>.</summary>
    public double ExpectedSeconds(double durationSeconds) =>
        Math.Exp(Intercept + (DurationExponent * Math.Log(Math.Max(durationSeconds, MinimumDuration))));

    /// <summary>
    /// Fits the watched rows of <paramref name="data"/> (label 1, positive seconds, a finite positive duration in the
    /// raw <see cref="DurationFeature"/> column <paramref name="durationColumn"/>). Fewer than two such rows give 1
    /// second whatever the duration; durations that do not vary give g = 0 and the mean seconds.
    /// </summary>
    public static WatchSecondsGivenWatch Fit(RankerDataset data, int durationColumn)
    {
        var x = new List<double>();
        var y = new List<double>();
        for (var i = 0; i < data.Count; i++)
        {
            var duration = data.Numeric[i][durationColumn];
            var seconds = data.WatchSeconds[i];
            if (data.Watched[i] < 0.5f || !(seconds > 0) || !double.IsFinite(duration) || duration <= 0)
            {
                continue;
            }

            x.Add(Math.Log(Math.Max(duration, MinimumDuration)));
            y.Add(seconds);
        }

        var n = x.Count;
        if (n < 2)
        {
            return new WatchSecondsGivenWatch(0, 0, n);
        }

        var meanY = y.Average();
        var meanX = x.Average();
        var varX = x.Sum(v => (v - meanX) * (v - meanX)) / n;
        if (varX < 1e-9)
        {
            return new WatchSecondsGivenWatch(Math.Log(meanY), 0, n);
        }

        // Newton's method on the Poisson score sum_i (1, x_i)(y_i - exp(a + g x_i)) = 0, on the centred x (better
        // conditioned) and seconds in units of their mean (the pseudo-likelihood's scale does not move its root).
        // The log-likelihood is concave, and the start a = 0, g = 0 fits the mean exactly.
        double a = 0, g = 0;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            double s0 = 0, s1 = 0, h00 = 0, h01 = 0, h11 = 0;
            for (var i = 0; i < n; i++)
            {
                var xc = x[i] - meanX;
                var mu = Math.Exp(a + (g * xc));
                var r = (y[i] / meanY) - mu;
                s0 += r;
                s1 += r * xc;
                h00 += mu;
                h01 += mu * xc;
                h11 += mu * xc * xc;
            }

            var determinant = (h00 * h11) - (h01 * h01);
            if (!(determinant > 0))
            {
                break;
            }

            var da = ((h11 * s0) - (h01 * s1)) / determinant;
            var dg = ((h00 * s1) - (h01 * s0)) / determinant;
            // A damped step keeps a far start from overshooting into exp's overflow.
            var step = Math.Min(1, 1 / Math.Max(Math.Abs(da), Math.Abs(dg)));
            a += step * da;
            g += step * dg;
            if (Math.Abs(da) < 1e-10 && Math.Abs(dg) < 1e-10)
            {
                break;
            }
        }

        return new WatchSecondsGivenWatch(a + Math.Log(meanY) - (g * meanX), g, n);
    }
}
