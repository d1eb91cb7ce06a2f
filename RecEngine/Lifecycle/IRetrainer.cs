namespace RecEngine.Lifecycle;

/// <summary>What one retraining did: the version it trained (null if training failed), whether it now serves, and why.</summary>
public sealed record RetrainOutcome(
    string? Version,
    bool Promoted,
    string Reason,
    string Metric,
    double? CandidateValue,
    double? ServingValue);

/// <summary>
/// Trains a candidate on the rolling window ending at <paramref name="nowUtc"/>, validates it against the serving
/// model, and promotes (hot-swaps) or rejects it. One at a time: a call while another runs waits for it.
/// </summary>
public interface IRetrainer
{
    Task<RetrainOutcome> RetrainAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken);
}
