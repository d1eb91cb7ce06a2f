using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// A candidate's held-out validation: the record (<see cref="Validation"/>, passed or not), every figure for the
/// registry, a note on how it was measured, and the slice it was measured on.
/// </summary>
internal sealed record HeldOutEvidence(ModelValidation Validation, Dictionary<string, double> Metrics, string? Note, List<InteractionEvent> Events, DateTime Slice)
{
    /// <summary>Exploration validation decided (enough explored watches), not its fallback on retrieval.</summary>
    public bool ByExploration { get; init; }

    /// <summary>The verdict with its numbers; <paramref name="guardFailed"/> when the retrieval guard alone failed it.</summary>
    public string Explain(bool guardFailed = false)
    {
        var v = Validation;
        var numbers = string.Create(CultureInfo.InvariantCulture, $"{v.Metric} {v.CandidateValue:0.0000} vs {v.Baseline} {v.BaselineValue:0.0000} on {v.Users} held-out users")
            + (Note is null ? "" : $" ({Note})");
        if (v.Baseline == HeldOutComparison.MostPopular)
        {
            return v.Passed ? $"first model beats most_popular: {numbers}" : $"first model does not beat most_popular: {numbers}";
        }

        var tolerance = string.Create(CultureInfo.InvariantCulture, $"{v.ToleranceMode.ToString().ToLowerInvariant()} tolerance {v.Tolerance:0.####}");
        var caveat = v.ServingTrainedOnSlice ? " (the serving model was trained on this slice too, which favours it)" : "";
        var verdict = v.Passed ? $"not worse than serving within the {tolerance}" : guardFailed ? $"within the {tolerance} but far worse than serving on retrieval" : $"worse than serving beyond the {tolerance}";
        return $"{verdict}: {numbers}{caveat}";
    }
}

/// <summary>
/// Held-out validation of a candidate (<see cref="HeldOutValidationOptions.Set"/>): the candidate against the serving
/// model on the same users and events after the cut, or against most_popular where no model serves or the serving one
/// scores nothing there. Against a model it passes within the tolerance (TFX's change threshold, see
/// <see cref="HeldOutValidation.NotWorse"/>); against most_popular it must beat it outright.
/// </summary>
internal sealed class HeldOutComparison(EventStore events, ModelRegistry registry, IOptions<HeldOutValidationOptions> options, IOptions<CandidateOptions> candidates)
{
    /// <summary>The baseline where no model serves.</summary>
    public const string MostPopular = "most_popular";

    /// <summary>
    /// Whether a candidate passes held-out validation: against a serving model, not worse within the tolerance; against
    /// most_popular (no model to compare with), better outright.
    /// </summary>
    public static bool Passes(ModelValidation v) => v.Baseline == MostPopular
        ? v.CandidateValue > v.BaselineValue
        : HeldOutValidation.NotWorse(v.CandidateValue, v.BaselineValue, v.Tolerance, v.ToleranceMode);

    /// <summary>Measures <paramref name="candidate"/>; false, with the rejection, when the slice holds nothing to validate on.</summary>
    public bool TryMeasure(PromotionCandidate candidate, [NotNullWhen(true)] out HeldOutEvidence? evidence, [NotNullWhen(false)] out PromotionDecision? rejection)
    {
        var o = options.Value;
        var (start, cut, end) = candidate.Window;
        var heldOut = events.InWindow(start, end).ToList();
        // Score both on events the serving model did not train on either, where there are any after the cut.
        var servingWindowTo = candidate.Serving is null ? null : registry.Get(candidate.Serving.Version)?.WindowTo;
        var slice = servingWindowTo is { } seen && seen > cut && seen < end ? seen : cut;
        var explored = o.Set == ValidationSet.Exploration ? ExplorationValidation.Collect(heldOut, slice) : null;
        var exploredWatches = explored?.Count(x => x.Watched) ?? 0;
        string metric, unscorable;
        if (explored is not null && exploredWatches >= o.ExplorationMinWatches)
        {
            evidence = OnExplored(candidate, heldOut, slice, explored, o);
            (metric, unscorable) = (ExplorationValidation.Metric, $"the explored impressions after {slice:u} are all watched or all unwatched: nothing to validate on");
        }
        else
        {
            // Too few explored watches to tell two models apart: say so, and fall back on the conservative comparison.
            var note = explored is null ? null : string.Create(CultureInfo.InvariantCulture,
                $"insufficient exploration data ({exploredWatches} watched of {explored.Count} explored impressions, fewer than {o.ExplorationMinWatches}), retrieval validation instead");
            evidence = OnRetrieval(candidate, heldOut, slice, note, o);
            (metric, unscorable) = (o.Metric, $"no user watched anything new in the held-out slice after {slice:u}: nothing to validate on");
        }

        if (evidence is null)
        {
            rejection = PromotionDecision.Reject(candidate.Version, metric, unscorable);
            return false;
        }

        evidence.Validation.HeldOutFrom = slice;
        evidence.Validation.HeldOutTo = end;
        evidence.Validation.ServingTrainedOnSlice = servingWindowTo >= end;
        rejection = null;
        return true;
    }

    /// <summary>Exploration validation: both models' AUC on the explored impressions; null when those are all watched or all not.</summary>
    private HeldOutEvidence? OnExplored(PromotionCandidate candidate, List<InteractionEvent> heldOut, DateTime slice, List<ExploredImpression> explored, HeldOutValidationOptions o)
    {
        var scored = ExplorationValidation.Evaluate(candidate.Snapshot, heldOut, slice, explored, candidates.Value, o);
        if (scored is null)
        {
            return null;
        }

        var (validation, metrics) = ExplorationComparison.Compare(scored, candidate.Serving, heldOut, slice, explored, candidates.Value, o);
        var servingOrder = metrics.TryGetValue("held_out_serving_retrieval_order_" + ExplorationValidation.Metric, out var so) ? string.Create(CultureInfo.InvariantCulture, $" vs {so:0.0000}") : "";
        var note = string.Create(CultureInfo.InvariantCulture, $"{scored.Watched} watched of {scored.Impressions} explored impressions; in retrieval order {scored.RetrievalOrderAuc:0.0000}{servingOrder}");
        return new HeldOutEvidence(validation, metrics, note, heldOut, slice) { ByExploration = true };
    }

    /// <summary>Retrieval (or replay) validation of <see cref="HeldOutValidationOptions.Metric"/>; null when no user watched anything new.</summary>
    private HeldOutEvidence? OnRetrieval(PromotionCandidate candidate, List<InteractionEvent> heldOut, DateTime slice, string? note, HeldOutValidationOptions o)
    {
        var retrieval = o with { Set = o.Set == ValidationSet.Replay ? ValidationSet.Replay : ValidationSet.Retrieval };
        if (HeldOutValidation.Evaluate(candidate.Snapshot, heldOut, slice, candidates.Value, retrieval) is not { } scored)
        {
            return null;
        }

        var served = scored.Models[Evaluation.PipelineEvaluation.Served];
        var mostPopular = scored.Models[MostPopular];
        var validation = Against(HeldOutValidation.Value(served, o.Metric), mostPopular, candidate.Serving, heldOut, slice, retrieval);
        validation.Users = scored.Users;
        var metrics = HeldOutValidation.All(served, "held_out_");
        foreach (var (name, value) in HeldOutValidation.All(mostPopular, "held_out_most_popular_"))
        {
            metrics[name] = value;
        }

        return new HeldOutEvidence(validation, metrics, note, heldOut, slice);
    }

    /// <summary>The candidate against the serving model on the same slice, or against most_popular when none serves.</summary>
    private ModelValidation Against(double candidateValue, Evaluation.SlateMetrics mostPopular, ServingSnapshot? serving, List<InteractionEvent> heldOut, DateTime cut, HeldOutValidationOptions o)
    {
        var validation = new ModelValidation
        {
            Metric = o.Metric,
            CandidateValue = candidateValue,
            Tolerance = o.Tolerance,
            ToleranceMode = o.ToleranceMode,
        };
        var scored = serving is null ? null : HeldOutValidation.Evaluate(serving, heldOut, cut, candidates.Value, o);
        if (serving is null || scored is null)
        {
            validation.Baseline = MostPopular;
            validation.BaselineValue = HeldOutValidation.Value(mostPopular, o.Metric);
            validation.Passed = Passes(validation);
            return validation;
        }

        validation.Baseline = "serving:" + serving.Version;
        validation.BaselineValue = HeldOutValidation.Value(scored.Value.Models[Evaluation.PipelineEvaluation.Served], o.Metric);
        validation.Passed = Passes(validation);
        return validation;
    }
}
