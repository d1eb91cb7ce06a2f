using System.Globalization;
using RecEngine.Events;

namespace RecEngine.Monitoring;

/// <summary>
/// The features watched on ingested events, the same for the reference (a past window) and the live window:
/// the device mix, the event-type mix, watches per impression (outcome rate), the hour of day, and watch seconds of
/// watches.
/// Device and hour are counted once per slate (its first impression), not per event: one session's events share
/// them, and counting each would treat dozens of correlated events as independent evidence, which makes the
/// chi-square test alarm on ordinary day-to-day variation.
/// </summary>
internal static class EventDriftFeatures
{
    private static readonly string[] Hours = Enumerable.Range(0, 24).Select(h => h.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The names <see cref="Extract"/> records; every other watched feature comes from served slates.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "event_type", "watch_per_impression", "slate_device", "slate_hour", "watch_seconds",
    };

    public static void Extract(InteractionEvent ev, Action<string, double> numeric, Action<string, string> categorical)
    {
        categorical("event_type", ev.Type.ToString().ToLowerInvariant());
        // Watch rate per impression on its own: a 2-category chi-square tests exactly that rate, undiluted by the
        // other event types in event_type.
        if (ev.Type is EventType.Impression or EventType.Watch)
        {
            categorical("watch_per_impression", ev.Type == EventType.Watch ? "watch" : "impression");
        }

        if (ev.Type == EventType.Impression && ev.Position is null or 0)
        {
            categorical("slate_device", ev.Device ?? "unknown");
            categorical("slate_hour", ev.Hour is >= 0 and < 24 ? Hours[ev.Hour] : "unknown");
        }

        if (ev.Type == EventType.Watch)
        {
            numeric("watch_seconds", ev.WatchSeconds);
        }
    }

    /// <summary>A reference profile of these features over <paramref name="events"/> (for example a model's training window).</summary>
    public static ReferenceProfile Reference(IEnumerable<InteractionEvent> events, string modelVersion, DateTimeOffset capturedAt, MonitoringOptions options)
    {
        var numeric = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var categorical = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var ev in events)
        {
            Extract(
                ev,
                (name, value) => (numeric.TryGetValue(name, out var l) ? l : numeric[name] = []).Add(value),
                (name, value) => (categorical.TryGetValue(name, out var l) ? l : categorical[name] = []).Add(value));
        }

        var features = new List<FeatureReference>();
        foreach (var (name, values) in numeric.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            features.Add(NumericFeatureReference.Build(name, values.ToArray(), options.PsiBins, options.ReferenceSampleSize, seed: 17));
        }

        foreach (var (name, values) in categorical.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            features.Add(CategoricalFeatureReference.Build(name, values));
        }

        return new ReferenceProfile { ModelVersion = modelVersion, CapturedAt = capturedAt, Features = features };
    }
}

/// <summary>Feeds every newly committed event into the live drift window.</summary>
internal sealed class EventDriftRecorder(InMemoryDriftDataSource source) : IEventCommitListener
{
    public void OnCommitted(IReadOnlyList<InteractionEvent> events)
    {
        foreach (var ev in events)
        {
            EventDriftFeatures.Extract(ev, source.Record, (name, value) => source.Record(name, value));
        }
    }
}
