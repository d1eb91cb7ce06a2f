using System.ComponentModel.DataAnnotations;

namespace RecEngine.Lifecycle;

/// <summary>
/// Continuous training, section <c>RecEngine:Lifecycle</c>: what a retraining trains on and how many versions are kept.
/// When it runs is <c>:Schedule</c> (<see cref="RetrainingScheduleOptions"/>), how a candidate is validated
/// <c>:Validation</c> (<see cref="HeldOutValidationOptions"/>), and whether a canary decides <c>:Canary</c>
/// (<see cref="CanaryOptions"/>). A knob of those set where the chosen mode never reads it (a canary tolerance with
/// canaries off, say) stops the start with a message naming the knob and the mode.
/// </summary>
public sealed record LifecycleOptions : IValidatableObject
{
    public const string Section = "RecEngine:Lifecycle";

    /// <summary>The rolling window: events this far back from the held-out slice train the candidate.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The last part of the window whose impressions train the ranker (embeddings come from before it).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "3650.00:00:00")]
    public TimeSpan RankerWindow { get; init; } = TimeSpan.FromDays(4);

    /// <summary>The most recent slice, held out of training; candidate and serving model are both scored on it.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "365.00:00:00")]
    public TimeSpan HoldOut { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Ranker training epochs of a retraining.</summary>
    [Range(1, 100)]
    public int Epochs { get; init; } = 3;

    /// <summary>Threads for the ALS solver and index build of a retraining; 1 leaves the other cores to serving.</summary>
    [Range(1, 256)]
    public int TrainingThreads { get; init; } = 1;

    /// <summary>
    /// Linux nice value of the retraining thread (0 = as requests, 19 = mostly idle CPU); ignored elsewhere. Off by
    /// default: a GC triggered on a low-priority thread stalls every thread (see benchmarks/RESULTS.md).
    /// </summary>
    [Range(0, 19)]
    public int TrainingNice { get; init; }

    /// <summary>Model version folders kept besides the serving version and the canary: the newest this many.</summary>
    [Range(1, 1000)]
    public int KeepVersions { get; init; } = 5;

    /// <summary>How often old model versions are pruned (the first time this long after start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The knobs that moved from this section into its subsections, by their old names: still set there, they would
    /// bind to nothing, and a deployment that turned canaries off would silently get them back.
    /// </summary>
    private static readonly Dictionary<string, string> MovedKnobs = new(StringComparer.Ordinal)
    {
        ["ScheduleEnabled"] = "Schedule:Enabled",
        ["Interval"] = "Schedule:Interval",
        ["RetrainOnDrift"] = "Schedule:RetrainOnDrift",
        ["DriftDebounce"] = "Schedule:DriftDebounce",
        ["ValidationSet"] = "Validation:Set",
        ["Metric"] = "Validation:Metric",
        ["ToleranceMode"] = "Validation:ToleranceMode",
        ["Tolerance"] = "Validation:Tolerance",
        ["ValidationUsers"] = "Validation:Users",
        ["ValidationCandidates"] = "Validation:ExplorationCandidates",
        ["ExplorationMinWatches"] = "Validation:ExplorationMinWatches",
        ["ExplorationUsers"] = "Validation:ExplorationUsers",
        ["RetrievalGuardTolerance"] = "Validation:RetrievalGuardTolerance",
        ["CanaryShare"] = "Canary:Share",
        ["CanaryTolerance"] = "Canary:Tolerance",
        ["CanaryMinSlates"] = "Canary:MinSlates",
    };

    /// <summary>The old names of the knobs that moved, which nothing reads.</summary>
    internal static IEnumerable<InertKnob> Moved() => MovedKnobs.Select(k => new InertKnob(k.Key, $"(it moved to {Section}:{k.Value})"));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RankerWindow >= Window)
        {
            yield return new ValidationResult("RankerWindow must be shorter than Window: the ranker's embedding features need earlier events.", [nameof(RankerWindow)]);
        }
    }
}
