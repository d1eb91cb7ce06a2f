using System.ComponentModel.DataAnnotations;

namespace RecEngine.Lifecycle;

/// <summary>How a candidate's metric may compare with the baseline's (TFX model validation's change thresholds).</summary>
public enum ToleranceMode
{
    /// <summary>Passes if candidate &gt;= baseline - tolerance.</summary>
    Absolute,

    /// <summary>Passes if candidate &gt;= baseline * (1 - tolerance).</summary>
    Relative,
}

/// <summary>Continuous training and promotion, section <c>RecEngine:Lifecycle</c>.</summary>
public sealed record LifecycleOptions : IValidatableObject
{
    public const string Section = "RecEngine:Lifecycle";

    /// <summary>The metrics a validation can compare, as <c>evaluate</c> names them.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["ndcg@10", "ndcg@20", "recall@10", "recall@20", "map@20"];

    /// <summary>Whether the scheduled retraining runs; drift and <c>POST /v1/models/retrain</c> work either way.</summary>
    public bool ScheduleEnabled { get; init; } = true;

    /// <summary>Time between scheduled retrainings.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Whether a feature newly in drift triggers a retraining.</summary>
    public bool RetrainOnDrift { get; init; } = true;

    /// <summary>At most one drift-triggered retraining per this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan DriftDebounce { get; init; } = TimeSpan.FromHours(6);

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

    /// <summary>Model version folders kept besides the serving version and the canary: the newest this many.</summary>
    [Range(1, 1000)]
    public int KeepVersions { get; init; } = 5;

    /// <summary>How often old model versions are pruned (the first time this long after start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// What validation compares the models on: the explored impressions (exploration, the default; see
    /// <see cref="ExplorationValidation"/>), each model's own candidates (retrieval) or the videos users were shown
    /// after the cut (replay); see <see cref="HeldOutValidation"/>. Retrieval favours the serving model, which chose
    /// what was shown; replay is fair to the candidate but blind to retrieval (in the stationary simulation it
    /// promoted versions that served a third of the watch time, benchmarks/RESULTS.md). Exploration falls back on
    /// retrieval when the slice has fewer than <see cref="ExplorationMinWatches"/> explored watches.
    /// </summary>
    public ValidationSet ValidationSet { get; init; } = ValidationSet.Exploration;

    /// <summary>
    /// Exploration validation needs at least this many watched explored impressions in the held-out slice (and some
    /// unwatched ones); with fewer, the AUC's sampling error swamps the difference between two models, so retraining
    /// says "insufficient exploration data" and validates on retrieval instead.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ExplorationMinWatches { get; init; } = 30;

    /// <summary>
    /// Exploration validation's guard, where held-out validation decides (<see cref="CanaryShare"/> 0): a candidate
    /// whose retrieval validation metric is below (1 - this) x the serving model's is rejected whatever its
    /// exploration AUC; 1 turns the guard off. On by default (0.5): the exploration AUC of a day's few explored
    /// watches cannot tell a good version from a catastrophic one. The price: retrieval validation scores agreement
    /// with the serving model, so it also vetoes some better candidates (docs/decisions/0004 has the numbers).
    /// </summary>
    [Range(0.0, 1.0)]
    public double RetrievalGuardTolerance { get; init; } = 0.5;

    /// <summary>Users of the held-out slice whose explored impressions exploration validation scores (chosen by id hash).</summary>
    [Range(1, 10_000_000)]
    public int ExplorationUsers { get; init; } = 20_000;

    /// <summary>Validation metric, one of <see cref="Metrics"/>.</summary>
    [Required]
    public string Metric { get; init; } = "ndcg@20";

    /// <summary>How the tolerance applies: Absolute (candidate &gt;= baseline - tolerance) or Relative (candidate &gt;= baseline x (1 - tolerance)).</summary>
    public ToleranceMode ToleranceMode { get; init; } = ToleranceMode.Relative;

    /// <summary>How much worse than the baseline a candidate may be; negative demands an improvement.</summary>
    [Range(-1.0, 1.0)]
    public double Tolerance { get; init; } = 0.02;

    /// <summary>Users of the held-out slice scored (sampled deterministically).</summary>
    [Range(1, 1_000_000)]
    public int ValidationUsers { get; init; } = 1000;

    /// <summary>Candidates the ranker orders per validation user.</summary>
    [Range(20, 5000)]
    public int ValidationCandidates { get; init; } = 500;

    /// <summary>Threads for the ALS solver and index build of a retraining; 1 leaves the other cores to serving.</summary>
    [Range(1, 256)]
    public int TrainingThreads { get; init; } = 1;

    /// <summary>
    /// Linux nice value of the retraining thread (0 = as requests, 19 = mostly idle CPU); ignored elsewhere. Off by
    /// default: a GC triggered on a low-priority thread stalls every thread (see benchmarks/RESULTS.md).
    /// </summary>
    [Range(0, 19)]
    public int TrainingNice { get; init; }

    /// <summary>
    /// Share of users a validated candidate serves as a canary until the next retraining, which promotes or rejects it
    /// by <see cref="CanaryComparison"/> (watch seconds per slate against the serving model's over the same hours).
    /// When a canary runs, the held-out validation is recorded but does not decide: every offline comparison measured
    /// here favours the serving model or cannot see a catastrophic candidate (benchmarks/RESULTS.md, simulate). 0 turns
    /// canaries off: held-out validation decides and the candidate is promoted at once. The very first model has no
    /// baseline and is promoted if it beats most_popular, either way.
    /// </summary>
    [Range(0.0, 0.5)]
    public double CanaryShare { get; init; } = 0.2;

    /// <summary>The canary is promoted if its watch seconds per slate are at least (1 - this) x the serving model's.</summary>
    [Range(-1.0, 1.0)]
    public double CanaryTolerance { get; init; } = 0.1;

    /// <summary>
    /// Slates each arm of a canary needs before it is decided; with fewer, a retraining leaves the canary running and
    /// trains nothing.
    /// </summary>
    [Range(1, 10_000_000)]
    public int CanaryMinSlates { get; init; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Metrics.Contains(Metric))
        {
            yield return new ValidationResult($"Metric must be one of {string.Join(", ", Metrics)}.", [nameof(Metric)]);
        }

        if (RankerWindow >= Window)
        {
            yield return new ValidationResult("RankerWindow must be shorter than Window: the ranker's embedding features need earlier events.", [nameof(RankerWindow)]);
        }
    }
}

/// <summary>What held-out validation ranks (<see cref="HeldOutValidation"/>).</summary>
public enum ValidationSet
{
    /// <summary>Each model re-ranks the videos each user was shown after the cut.</summary>
    Replay,

    /// <summary>Each model ranks its own retrieved candidates at the cut.</summary>
    Retrieval,

    /// <summary>Each model scores the explored impressions of the held-out slice (retrieval, then ranker); see <see cref="ExplorationValidation"/>.</summary>
    Exploration,
}
