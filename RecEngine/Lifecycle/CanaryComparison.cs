using System.Globalization;
using RecEngine.Events;

namespace RecEngine.Lifecycle;

/// <summary>One arm of a canary: slates served, and their watch seconds' mean and sample variance.</summary>
internal readonly record struct CanaryArm(int Slates, double MeanWatchSeconds, double Variance)
{
    /// <summary>Standard error of <see cref="MeanWatchSeconds"/>.</summary>
    public double StandardError => Slates > 1 ? Math.Sqrt(Variance / Slates) : double.PositiveInfinity;
}

/// <summary>
/// The canary's online comparison (an A/B test between the canary's users and the rest, over the same hours): watch
/// seconds per served slate, each slate credited with the watch time of the events that name its request id.
/// </summary>
internal sealed record CanaryComparison(string CanaryVersion, CanaryArm Canary, CanaryArm Serving)
{
    /// <summary>The metric's name in validation records and reasons.</summary>
    public const string Metric = "watch_seconds_per_slate";

    /// <summary>Canary over serving, minus 1: +0.1 is 10% more watch time per slate.</summary>
    public double Lift => Serving.MeanWatchSeconds > 0 ? (Canary.MeanWatchSeconds / Serving.MeanWatchSeconds) - 1 : 0;

    /// <summary>Standard error of <see cref="Lift"/> (delta method for a ratio of independent means).</summary>
    public double LiftStandardError
    {
        get
        {
            var s = Serving.MeanWatchSeconds;
            if (s <= 0)
            {
                return double.PositiveInfinity;
            }

            var c = Canary.MeanWatchSeconds;
            var ratioVariance = (Canary.Variance / Canary.Slates / (s * s)) + (c * c * Serving.Variance / Serving.Slates / (s * s * s * s));
            return Math.Sqrt(ratioVariance);
        }
    }

    /// <summary>
    /// Measures the canary on <paramref name="events"/>: the slates of <paramref name="canaryVersion"/> against those of
    /// every other model version. A slate is known by its impressions (which carry the model version and request id);
    /// watches and skips with the same request id add their watch seconds to it. Popularity slates (no version) count
    /// in neither arm.
    /// </summary>
    public static CanaryComparison Measure(IEnumerable<InteractionEvent> events, string canaryVersion)
    {
        var versionOf = new Dictionary<string, bool>(StringComparer.Ordinal);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.RequestId is not { } request)
            {
                continue;
            }

            if (e.Type == EventType.Impression)
            {
                if (e.ModelVersion is { } version)
                {
                    versionOf[request] = string.Equals(version, canaryVersion, StringComparison.Ordinal);
                }
            }
            else if (e.Type is EventType.Watch or EventType.Skip && e.WatchSeconds > 0)
            {
                seconds[request] = seconds.GetValueOrDefault(request) + e.WatchSeconds;
            }
        }

        var canary = new Accumulator();
        var serving = new Accumulator();
        foreach (var (request, isCanary) in versionOf)
        {
            (isCanary ? canary : serving).Add(seconds.GetValueOrDefault(request));
        }

        return new CanaryComparison(canaryVersion, canary.Arm(), serving.Arm());
    }

    /// <summary>The comparison in words, for reasons and logs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric} {Canary.MeanWatchSeconds:0.0} on {Canary.Slates} canary slates vs {Serving.MeanWatchSeconds:0.0} on {Serving.Slates} serving slates, lift {Lift:+0.0%;-0.0%} (standard error {LiftStandardError:0.0%})");

    /// <summary>Welford's running mean and variance.</summary>
    private sealed class Accumulator
    {
        private int _n;
        private double _mean;
        private double _m2;

        public void Add(double x)
        {
            _n++;
            var delta = x - _mean;
            _mean += delta / _n;
            _m2 += delta * (x - _mean);
        }

        public CanaryArm Arm() => new(_n, _mean, _n > 1 ? _m2 / (_n - 1) : 0);
    }
}
