using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// The promotion check of exploration validation (<see cref="ExplorationValidation"/>): the candidate's AUC on the
/// explored impressions against the serving model's on the same impressions, or against most_popular's when none serves.
/// </summary>
internal static class ExplorationComparison
{
    /// <summary>The validation record and the figures for the registry (the candidate's, the baseline's and their diagnostics).</summary>
    public static (ModelValidation Validation, Dictionary<string, double> Metrics) Compare(
        ExplorationScore scored, ServingSnapshot? serving, List<InteractionEvent> heldOut, DateTime cut, List<ExploredImpression> explored, CandidateOptions candidates, HeldOutValidationOptions o)
    {
        var validation = new ModelValidation
        {
            Metric = ExplorationValidation.Metric,
            CandidateValue = scored.Auc,
            Tolerance = o.Tolerance,
            ToleranceMode = o.ToleranceMode,
            Users = scored.Users,
        };
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["held_out_" + ExplorationValidation.Metric] = scored.Auc,
            ["held_out_most_popular_" + ExplorationValidation.Metric] = scored.MostPopularAuc,
            ["held_out_retrieval_order_" + ExplorationValidation.Metric] = scored.RetrievalOrderAuc,
            ["held_out_explored_impressions"] = scored.Impressions,
            ["held_out_explored_watches"] = scored.Watched,
        };
        foreach (var (name, value) in scored.Diagnostics)
        {
            metrics["held_out_" + name] = value;
        }

        var baseline = serving is null ? null : ExplorationValidation.Evaluate(serving, heldOut, cut, explored, candidates, o);
        if (serving is null || baseline is null)
        {
            validation.Baseline = HeldOutComparison.MostPopular;
            validation.BaselineValue = scored.MostPopularAuc;
            validation.Passed = HeldOutComparison.Passes(validation);
            return (validation, metrics);
        }

        validation.Baseline = "serving:" + serving.Version;
        validation.BaselineValue = baseline.Auc;
        validation.Passed = HeldOutComparison.Passes(validation);
        metrics["held_out_serving_" + ExplorationValidation.Metric] = baseline.Auc;
        metrics["held_out_serving_retrieval_order_" + ExplorationValidation.Metric] = baseline.RetrievalOrderAuc;
        foreach (var (name, value) in baseline.Diagnostics)
        {
            metrics["held_out_serving_" + name] = value;
        }

        return (validation, metrics);
    }
}
