namespace RecEngine.Lifecycle;

/// <summary>
/// What one retraining did: the version it trained (null if training failed), whether it now serves to everyone
/// (<see cref="Promoted"/>) or to a share of users as a canary (<see cref="Canary"/>), and why. A retraining first
/// decides the canary the previous one started (<see cref="Concluded"/>); while that canary lacks slates it continues,
/// and the outcome is its own (<see cref="Canary"/> set, nothing trained).
/// </summary>
internal sealed record RetrainOutcome(
    string? Version,
    bool Promoted,
    string Reason,
    string Metric,
    double? CandidateValue,
    double? ServingValue)
{
    /// <summary><see cref="Version"/> serves a canary now (started by this retraining, or continued).</summary>
    public bool Canary { get; init; }

    /// <summary>The canary this retraining decided before training (promoted or rejected), if one ran.</summary>
    public RetrainOutcome? Concluded { get; init; }

    /// <summary>Whether this retraining changed the serving version: its candidate, or the canary it decided.</summary>
    public bool ChangedServing => Promoted || Concluded?.Promoted == true;
}

/// <summary>
/// Trains a candidate on the rolling window ending at <paramref name="nowUtc"/>, validates it against the serving
/// model, and promotes (hot-swaps) or rejects it. One at a time: a call while another runs waits for it.
/// </summary>
internal interface IRetrainer
{
    Task<RetrainOutcome> RetrainAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken);
}
