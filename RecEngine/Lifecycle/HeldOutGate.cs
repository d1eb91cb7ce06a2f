using Microsoft.Extensions.Options;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Lifecycle;

/// <summary>
/// The gate with canaries off: held-out validation decides at once. The candidate is promoted if it is not worse than
/// the serving model within the tolerance and, where exploration validation decided, the retrieval guard
/// (<see cref="RetrievalGuard"/>) does not veto it; otherwise it is rejected with the numbers.
/// </summary>
internal sealed class HeldOutGate(IOptions<HeldOutValidationOptions> options, IOptions<CandidateOptions> candidates) : IPromotionGate
{
    public PromotionDecision Decide(PromotionCandidate candidate, HeldOutEvidence evidence)
    {
        var guardFailed = false;
        if (evidence.ByExploration && candidate.Serving is { } serving && options.Value.RetrievalGuardTolerance < 1)
        {
            var (guard, passed) = RetrievalGuard.Check(evidence.Validation, evidence.Metrics, candidate.Snapshot, serving, evidence.Events, evidence.Slice, candidates.Value, options.Value);
            evidence = evidence with { Note = evidence.Note + "; " + guard };
            guardFailed = !passed;
        }

        var verdict = evidence.Validation.Passed ? PromotionVerdict.Promote : PromotionVerdict.Reject;
        return PromotionDecision.On(evidence, candidate.Version, verdict, evidence.Explain(guardFailed));
    }
}
