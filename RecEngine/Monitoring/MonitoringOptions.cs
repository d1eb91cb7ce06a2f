using System.ComponentModel.DataAnnotations;

namespace RecEngine.Monitoring;

/// <summary>Drift monitoring settings, section <c>RecEngine:Monitoring</c>.</summary>
public sealed record MonitoringOptions : IValidatableObject
{
    public const string Section = "RecEngine:Monitoring";

    /// <summary>Whether the background check runs at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time between checks; each check takes the live window gathered since the previous one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Fewest live (and reference sample) values a feature needs; below it the state is insufficient_data.</summary>
    [Range(10, 10_000_000)]
    public int MinWindowSize { get; init; } = 1000;

    /// <summary>Most live values kept per numeric feature and window (a uniform reservoir beyond it).</summary>
    [Range(10, 10_000_000)]
    public int LiveWindowCapacity { get; init; } = 100_000;

    /// <summary>Reference values kept per numeric feature for Kolmogorov–Smirnov.</summary>
    [Range(10, 10_000_000)]
    public int ReferenceSampleSize { get; init; } = 10_000;

    /// <summary>
    /// Served slates whose values of each served-slate feature (ranker inputs, score) make a model version's served
    /// reference: its first slates after it starts serving. Until a feature has them its state is insufficient_data.
    /// At least <see cref="MinWindowSize"/>, since a feature the user contributes (one value per slate) needs that many.
    /// </summary>
    [Range(10, 10_000_000)]
    public int ServedReferenceSize { get; init; } = 2_000;

    /// <summary>Reference-quantile bins for PSI.</summary>
    [Range(2, 1000)]
    public int PsiBins { get; init; } = 10;

    /// <summary>Floor for empty-bin fractions in PSI.</summary>
    [Range(1e-12, 0.01)]
    public double PsiEpsilon { get; init; } = PopulationStabilityIndex.DefaultEpsilon;

    /// <summary>Adjusted p-value at or below which a feature drifts.</summary>
    [Range(1e-15, 0.5)]
    public double DriftAlpha { get; init; } = 0.001;

    /// <summary>Adjusted p-value at or below which a feature warns.</summary>
    [Range(1e-15, 0.5)]
    public double WarnAlpha { get; init; } = 0.01;

    /// <summary>Fixed PSI band for warn; counts only where PSI is also significant at <see cref="WarnAlpha"/>.</summary>
    [Range(0.0, 100.0)]
    public double PsiWarn { get; init; } = PopulationStabilityIndex.WarnThreshold;

    /// <summary>Fixed PSI band for drift; counts only where PSI is also significant at <see cref="DriftAlpha"/>.</summary>
    [Range(0.0, 100.0)]
    public double PsiDrift { get; init; } = PopulationStabilityIndex.DriftThreshold;

    /// <summary>Multiple-testing control across the features of one check.</summary>
    public MultipleTestingCorrection Correction { get; init; } = MultipleTestingCorrection.BenjaminiHochberg;

    /// <summary>Reports kept for <c>GET /v1/monitoring/drift</c>.</summary>
    [Range(1, 10_000)]
    public int HistoryCapacity { get; init; } = 96;

    /// <summary>
    /// Features compared with a rolling reference (<see cref="RollingBaselines"/>): the previous healthy check's window,
    /// with the test scaled by the feature's usual interval-to-interval change. By default every served-slate feature
    /// and the outcome features of events: cumulative counters (user_watches, user_impressions, user_watch_seconds) and
    /// ages (video_age_hours, fresh_score) grow as time passes, and everything the serving version shows or earns moves
    /// with its own feedback (what it showed is what gets watched, trends and fills user histories), so in the
    /// stationary simulation each of them drifted from a fixed reference every day. Other features (the device and hour
    /// mix of sessions, which no model changes) keep their fixed reference.
    /// </summary>
    public string[] RollingFeatures { get; init; } =
    [
        "video_duration", "video_age_hours", "user_watches", "user_impressions", "user_watch_seconds", "user_watch_rate",
        "user_video_dot", "item_to_item_score", "category_affinity", "creator_affinity", "trending_score", "fresh_score",
        "video_impressions", "video_watches", "video_watch_rate", "position", "example_age_hours", "ranker_score",
        "event_type", "watch_per_impression", "watch_seconds",
    ];

    /// <summary>
    /// Features compared with a fixed reference even when <see cref="RollingFeatures"/> names them. Configuration binding
    /// adds to an array's defaults rather than replacing them, so this is how a default rolling feature is made fixed.
    /// </summary>
    public string[] FixedFeatures { get; init; } = [];

    /// <summary>
    /// Window-to-window comparisons a rolling feature needs before it can alarm, after its first check of a version
    /// (against the version's fixed reference): its usual interval-to-interval change is estimated from them, and until
    /// then its state is insufficient_data.
    /// </summary>
    [Range(1, 1000)]
    public int RollingWarmUpChecks { get; init; } = 2;

    /// <summary>Recent healthy checks whose interval-to-interval change calibrates a rolling feature's test.</summary>
    [Range(1, 1000)]
    public int RollingHistory { get; init; } = 7;

    /// <summary>
    /// Checks a rolling feature's reference is held while the feature is in drift (so a step stays flagged rather than
    /// becoming the new normal at the next check); after them the new level is accepted.
    /// </summary>
    [Range(0, 1000)]
    public int RollingHoldChecks { get; init; } = 1;

    /// <summary>Features checked at once; 1 keeps a check on one core, off the serving threads' way.</summary>
    [Range(1, 256)]
    public int MaxParallelism { get; init; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WarnAlpha < DriftAlpha)
        {
            yield return new ValidationResult("WarnAlpha must be at least DriftAlpha.", [nameof(WarnAlpha)]);
        }

        if (PsiWarn > PsiDrift)
        {
            yield return new ValidationResult("PsiWarn must be at most PsiDrift.", [nameof(PsiWarn)]);
        }

        if (ReferenceSampleSize < MinWindowSize)
        {
            yield return new ValidationResult("ReferenceSampleSize must be at least MinWindowSize.", [nameof(ReferenceSampleSize)]);
        }

        if (ServedReferenceSize < MinWindowSize)
        {
            yield return new ValidationResult("ServedReferenceSize must be at least MinWindowSize.", [nameof(ServedReferenceSize)]);
        }

        if (RollingHistory < RollingWarmUpChecks)
        {
            yield return new ValidationResult("RollingHistory must be at least RollingWarmUpChecks.", [nameof(RollingHistory)]);
        }

        if (LiveWindowCapacity < MinWindowSize)
        {
            yield return new ValidationResult("LiveWindowCapacity must be at least MinWindowSize.", [nameof(LiveWindowCapacity)]);
        }
    }
}
