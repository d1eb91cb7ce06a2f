using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// One way of deciding whether a trained candidate serves: <see cref="FirstModelGate"/> while nothing serves, then the
/// gate chosen once from the options (<see cref="LifecycleModule"/>): <see cref="HeldOutGate"/> with canaries off,
/// <see cref="CanaryGate"/> with them on.
/// </summary>
internal interface IPromotionGate
{
    /// <summary>Decides <paramref name="candidate"/> on its held-out <paramref name="evidence"/>.</summary>
    PromotionDecision Decide(PromotionCandidate candidate, HeldOutEvidence evidence);

    /// <summary>
    /// A decision the previous retraining left open (a running canary), taken before the next candidate is trained;
    /// null when none is open.
    /// </summary>
    PromotionDecision? DecidePending(DateTime nowUtc) => null;
}

/// <summary>What a gate decided.</summary>
internal enum PromotionVerdict
{
    /// <summary>Serve it to everyone.</summary>
    Promote,

    /// <summary>Do not serve it; the registry records why.</summary>
    Reject,

    /// <summary>Serve it to a share of users until the next retraining decides (for a running canary: keep it running).</summary>
    Canary,
}

/// <summary>
/// A gate's decision on a version, the reason in words, the numbers it rests on, and the validation to record
/// (null when there was nothing to validate on).
/// </summary>
internal sealed record PromotionDecision(string Version, PromotionVerdict Verdict, string Reason, string Metric, double? CandidateValue, double? BaselineValue)
{
    public ModelValidation? Validation { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Share of users a <see cref="PromotionVerdict.Canary"/> serves.</summary>
    public double CanaryShare { get; init; }

    public static PromotionDecision Reject(string version, string metric, string reason) => new(version, PromotionVerdict.Reject, reason, metric, null, null);

    /// <summary>A decision resting on held-out validation, which it records.</summary>
    public static PromotionDecision On(HeldOutEvidence evidence, string version, PromotionVerdict verdict, string reason) =>
        new(version, verdict, reason, evidence.Validation.Metric, evidence.Validation.CandidateValue, evidence.Validation.BaselineValue)
        {
            Validation = evidence.Validation,
            Metrics = evidence.Metrics,
        };
}

/// <summary>A trained, registered and loaded candidate, the model serving now (null before the first), and the window it was trained on.</summary>
internal sealed record PromotionCandidate(string Version, ServingSnapshot Snapshot, ServingSnapshot? Serving, RetrainWindow Window);

/// <summary>
/// A retraining's events: training on [<see cref="Start"/>, <see cref="Cut"/>), validation on the slice from
/// <see cref="Cut"/> to <see cref="End"/>, so both models are scored on events the candidate did not see.
/// </summary>
internal readonly record struct RetrainWindow(DateTime Start, DateTime Cut, DateTime End)
{
    /// <summary>The window that ends just after the newest event.</summary>
    public static RetrainWindow EndingAt(DateTime newest, LifecycleOptions options)
    {
        var end = newest.AddMilliseconds(1);
        var cut = end - options.HoldOut;
        return new RetrainWindow(cut - options.Window, cut, end);
    }
}
