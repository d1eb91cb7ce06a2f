using RecEngine.Events;

namespace RecEngine.Retrieval;

/// <summary>
/// Maps an event to implicit-feedback strength r and confidence c = 1 + alpha r (Hu, Koren &amp; Volinsky 2008,
/// eq. 2). Watching counts by the fraction watched; likes and shares are stronger evidence than a full watch.
/// Impressions, skips and hides are not positive evidence: r = 0, and callers leave them out of ALS.
/// </summary>
internal static class EngagementConfidence
{
    /// <summary>Preference strength r &gt;= 0 of one event.</summary>
    public static double Strength(EventType type, double watchFraction) => type switch
    {
        EventType.Watch => Math.Clamp(double.IsFinite(watchFraction) ? watchFraction : 0.0, 0.0, 1.0),
        EventType.Click => 0.1,
        EventType.Like => 2.0,
        EventType.Share => 3.0,
        _ => 0.0,
    };

    /// <summary>c = 1 + alpha r; 1 (no evidence) when the event is not positive.</summary>
    public static float Confidence(EventType type, double watchFraction, double alpha) =>
        (float)(1.0 + (alpha * Strength(type, watchFraction)));
}
