using System.Globalization;
using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>A veto on exploration validation's verdict from retrieval validation (<see cref="Check"/>).</summary>
internal static class RetrievalGuard
{
    /// <summary>
    /// The catastrophe guard of exploration validation: the explored impressions are unbiased but few, and a watch of a
    /// random video says little about the top of a slate, so in the simulation a version that served a tenth of the
    /// serving model's watch time scored the same AUC. Retrieval validation sees that at once, but favours the serving
    /// model (it chose what was watched next), so it only vetoes a candidate far below serving: its
    /// <see cref="HeldOutValidationOptions.Metric"/> under (1 - <see cref="HeldOutValidationOptions.RetrievalGuardTolerance"/>) x serving's.
    /// It measures agreement with the serving model, so it also vetoes better candidates (see
    /// <see cref="HeldOutValidationOptions.RetrievalGuardTolerance"/>); it runs only where held-out validation decides, that
    /// is without canaries (<see cref="HeldOutGate"/>). Clears <see cref="ModelValidation.Passed"/> when it
    /// fails; returns the text for the reason, and false when it alone failed the candidate.
    /// </summary>
    public static (string Text, bool Passed) Check(
        ModelValidation validation, Dictionary<string, double> metrics, ServingSnapshot candidate, ServingSnapshot serving, List<InteractionEvent> heldOut, DateTime cut, CandidateOptions candidates, HeldOutValidationOptions o)
    {
        var retrieval = o with { Set = ValidationSet.Retrieval };
        var c = HeldOutValidation.Evaluate(candidate, heldOut, cut, candidates, retrieval);
        var s = HeldOutValidation.Evaluate(serving, heldOut, cut, candidates, retrieval);
        if (c is not { } cv || s is not { } sv)
        {
            return ("retrieval guard: no held-out user watched anything new", true);
        }

        var candidateValue = HeldOutValidation.Value(cv.Models[Evaluation.PipelineEvaluation.Served], o.Metric);
        var servingValue = HeldOutValidation.Value(sv.Models[Evaluation.PipelineEvaluation.Served], o.Metric);
        metrics["held_out_" + o.Metric] = candidateValue;
        metrics["held_out_serving_" + o.Metric] = servingValue;
        var passed = HeldOutValidation.NotWorse(candidateValue, servingValue, o.RetrievalGuardTolerance, ToleranceMode.Relative);
        var explorationPassed = validation.Passed;
        // Diagnosis of the versions the guard vetoes in the simulation (retrieval NDCG exactly 0): are their embeddings finite?
        var nonFinite = 0;
        var row = new float[candidate.Retrieval.Als.Factors];
        for (var v = 0; v < candidate.Videos.Count; v++)
        {
            foreach (var x in candidate.Retrieval.ItemVector(v, row))
            {
                if (!float.IsFinite(x))
                {
                    nonFinite++;
                    break;
                }
            }
        }

        if (nonFinite > 0)
        {
            metrics["candidate_non_finite_item_vectors"] = nonFinite;
        }

        validation.Passed &= passed;
        return (string.Create(CultureInfo.InvariantCulture,
            $"retrieval guard {(passed ? "passed" : "failed")}: {o.Metric} {candidateValue:0.0000} vs serving {servingValue:0.0000}, relative tolerance {o.RetrievalGuardTolerance:0.##} (candidates in retrieval order, no ranker: {HeldOutValidation.Value(cv.Models["retrieval_only"], o.Metric):0.0000} vs {HeldOutValidation.Value(sv.Models["retrieval_only"], o.Metric):0.0000}){(nonFinite > 0 ? $"; {nonFinite} candidate item vectors not finite" : "")}"), passed || !explorationPassed);
    }
}
