using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Training.Evaluation;

namespace RecEngine.Lifecycle;

/// <summary>
/// Scores a serving snapshot on the most recent held-out slice as it would serve: each sampled user's history up to
/// the cut, the snapshot's candidate sources and ranker, top 20 against the videos the user watched next
/// (<see cref="RankerEvaluation"/>). Candidate and serving model are scored on the same slice and users.
/// </summary>
public static class HeldOutValidation
{
    /// <summary>Seed of the user sample, fixed so both models see the same users.</summary>
    private const int Seed = 7;

    /// <summary>
    /// The snapshot's <c>ranker</c> metrics and the <c>most_popular</c> baseline's, or null when no user watched
    /// anything new after <paramref name="cut"/>.
    /// </summary>
    public static (Dictionary<string, SlateMetrics> Models, int Users)? Evaluate(
        ServingSnapshot snapshot, IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut, CandidateOptions candidates, LifecycleOptions options)
    {
        var split = TemporalSplit.Create(timeOrdered, snapshot.Videos, cut);
        var users = split.SampleUsers(options.ValidationUsers, Seed);
        if (users.Count == 0)
        {
            return null;
        }

        var models = RankerEvaluation.Run(split, snapshot.Videos, snapshot.Retrieval, snapshot.Scorer, candidates, new NoRelevanceOracle(), users, options.ValidationCandidates, rankerAuc: null);
        return (models, users.Count);
    }

    /// <summary>The named metric (<see cref="LifecycleOptions.Metrics"/>) of one model's results.</summary>
    public static double Value(SlateMetrics metrics, string metric) => metric switch
    {
        "ndcg@10" => metrics.NdcgAt10,
        "ndcg@20" => metrics.NdcgAt20,
        "recall@10" => metrics.RecallAt10,
        "recall@20" => metrics.RecallAt20,
        "map@20" => metrics.MapAt20,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown validation metric."),
    };

    /// <summary>Every metric of <paramref name="metrics"/> by its name, for the registry.</summary>
    public static Dictionary<string, double> All(SlateMetrics metrics, string prefix) =>
        LifecycleOptions.Metrics.ToDictionary(m => prefix + m, m => Value(metrics, m), StringComparer.Ordinal);

    /// <summary>
    /// TFX model validation's change threshold with higher-is-better direction (Baylor et al., "TFX: A
    /// TensorFlow-Based Production-Scale Machine Learning Platform", KDD 2017; TFMA GenericChangeThreshold):
    /// absolute passes if candidate - baseline &gt;= -tolerance, relative if candidate &gt;= baseline * (1 - tolerance).
    /// A negative tolerance demands an improvement.
    /// </summary>
    public static bool NotWorse(double candidate, double baseline, double tolerance, ToleranceMode mode) => mode switch
    {
        ToleranceMode.Absolute => candidate - baseline >= -tolerance,
        _ => candidate >= baseline * (1 - tolerance),
    };
}
