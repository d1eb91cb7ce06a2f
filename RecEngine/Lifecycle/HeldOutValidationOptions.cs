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

/// <summary>
/// Held-out validation of a candidate against the serving model (or most_popular for the first model), section
/// <c>RecEngine:Lifecycle:Validation</c>. It decides promotion with canaries off and is recorded beside the canary
/// with them on. The <c>Exploration*</c> knobs apply only to exploration validation, and
/// <see cref="RetrievalGuardTolerance"/> only where held-out validation decides.
/// </summary>
public sealed record HeldOutValidationOptions : IValidatableObject
{
    public const string Section = LifecycleOptions.Section + ":Validation";

    /// <summary>The metrics a validation can compare, as <c>evaluate</c> names them.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["watch_time_ndcg@20", "ndcg@10", "ndcg@20", "recall@10", "recall@20", "map@20"];

    /// <summary>
    /// What validation compares the models on: the explored impressions (exploration, the default; see
    /// <see cref="ExplorationValidation"/>), each model's own candidates (retrieval) or the videos users were shown
    /// after the cut (replay); see <see cref="HeldOutValidation"/>. Retrieval favours the serving model, which chose
    /// what was shown; replay is fair to the candidate but blind to retrieval (in the stationary simulation it
    /// promoted versions that served a third of the watch time, benchmarks/RESULTS.md). Exploration falls back on retrieval when the slice has fewer than
    /// <see cref="ExplorationMinWatches"/> explored watches.
    /// </summary>
    public ValidationSet Set { get; init; } = ValidationSet.Exploration;

    /// <summary>
    /// Validation metric of retrieval and replay validation (and of exploration's fallback and guard), one of
    /// <see cref="Metrics"/>. The default, <c>watch_time_ndcg@20</c>, is NDCG@20 with each held-out watch's seconds as
    /// its gain: the order serves expected watch time, so a metric that counts a 10 s watch as a 10 min one would
    /// judge it on something else (docs/decisions/0001). The others count a watch as a watch.
    /// </summary>
    [Required]
    public string Metric { get; init; } = "watch_time_ndcg@20";

    /// <summary>How the tolerance applies: Absolute (candidate &gt;= baseline - tolerance) or Relative (candidate &gt;= baseline x (1 - tolerance)).</summary>
    public ToleranceMode ToleranceMode { get; init; } = ToleranceMode.Relative;

    /// <summary>How much worse than the baseline a candidate may be; negative demands an improvement.</summary>
    [Range(-1.0, 1.0)]
    public double Tolerance { get; init; } = 0.02;

    /// <summary>Users of the held-out slice scored by retrieval and replay validation (sampled deterministically).</summary>
    [Range(1, 1_000_000)]
    public int Users { get; init; } = 1000;

    /// <summary>
    /// Exploration validation needs at least this many watched explored impressions in the held-out slice (and some
    /// unwatched ones); with fewer, the AUC's sampling error swamps the difference between two models, so retraining
    /// says "insufficient exploration data" and validates on retrieval instead.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ExplorationMinWatches { get; init; } = 30;

    /// <summary>Users of the held-out slice whose explored impressions exploration validation scores (chosen by id hash).</summary>
    [Range(1, 10_000_000)]
    public int ExplorationUsers { get; init; } = 20_000;

    /// <summary>Candidates each model retrieves and its ranker orders per user in exploration validation.</summary>
    [Range(20, 5000)]
    public int ExplorationCandidates { get; init; } = 500;

    /// <summary>
    /// Exploration validation's guard, where held-out validation decides (canaries off): a candidate whose retrieval
    /// validation metric is below (1 - this) x the serving model's is rejected whatever its exploration AUC; 1 turns the
    /// guard off. On by default (0.5): the exploration AUC of a day's few explored watches cannot tell a good version
    /// from a catastrophic one. The price: retrieval validation scores agreement with the serving model, so it also
    /// vetoes some better candidates (docs/decisions/0004 has the numbers).
    /// </summary>
    [Range(0.0, 1.0)]
    public double RetrievalGuardTolerance { get; init; } = 0.5;

    /// <summary>The metric that decides: exploration's AUC, or <see cref="Metric"/>.</summary>
    internal string DecidingMetric => Set == ValidationSet.Exploration ? ExplorationValidation.Metric : Metric;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Metrics.Contains(Metric))
        {
            yield return new ValidationResult($"Metric must be one of {string.Join(", ", Metrics)}.", [nameof(Metric)]);
        }
    }

    /// <summary>The knobs nothing reads with these settings and <paramref name="canary"/>'s.</summary>
    internal IEnumerable<InertKnob> Inert(CanaryOptions canary)
    {
        if (Set != ValidationSet.Exploration)
        {
            var mode = $"with {Section}:{nameof(Set)} {Set} (only exploration validation reads it)";
            yield return new InertKnob(nameof(ExplorationMinWatches), mode);
            yield return new InertKnob(nameof(ExplorationUsers), mode);
            yield return new InertKnob(nameof(ExplorationCandidates), mode);
            yield return new InertKnob(nameof(RetrievalGuardTolerance), mode);
        }
        else if (canary.Share > 0)
        {
            yield return new InertKnob(nameof(RetrievalGuardTolerance), $"with canaries on ({CanaryOptions.Section}:{nameof(CanaryOptions.Share)} {canary.Share:0.##}): the canary decides, not held-out validation");
        }
    }
}
