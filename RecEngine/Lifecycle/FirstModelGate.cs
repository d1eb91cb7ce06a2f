namespace RecEngine.Lifecycle;

/// <summary>
/// The gate while no model serves (a retraining before any promotion; the first-run model of <see cref="FirstModelStep"/>
/// is promoted without one): there is no serving baseline, so the candidate must beat most_popular outright on the
/// held-out slice, with or without canaries.
/// </summary>
internal sealed class FirstModelGate : IPromotionGate
{
    public PromotionDecision Decide(PromotionCandidate candidate, HeldOutEvidence evidence) =>
        PromotionDecision.On(evidence, candidate.Version, evidence.Validation.Passed ? PromotionVerdict.Promote : PromotionVerdict.Reject, evidence.Explain());
}
