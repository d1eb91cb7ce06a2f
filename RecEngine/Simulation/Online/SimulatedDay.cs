namespace RecEngine.Simulation.Online;

/// <summary>
/// One online day of one run: watch seconds (watches and skips) per served slate as users watched them, and as the
/// oracle expects them given the served slates (the same quantity without the sampling noise of clicks and watch
/// fractions), the share of the oracle's best slates' expected watch time that the served slates reached (free of
/// which videos, long or short, happened to be available), the features the drift check at
/// the day's end flagged as drift, its drift score (the largest PSI of any feature), the model version that served
/// the day, whether the retraining at the day's end changed the serving version (its candidate, or the canary it
/// decided), and what triggered it (set for a rejected candidate too).
/// </summary>
internal sealed record SimulatedDay(
    int Day,
    long Slates,
    long Events,
    double WatchSecondsPerSlate,
    double ExpectedWatchSecondsPerSlate,
    double OracleShare,
    int DriftAlarms,
    double DriftScore,
    string ModelVersion,
    bool Retrained,
    string? RetrainTrigger)
{
    /// <summary>The features the day's check flagged as drift, by name.</summary>
    public IReadOnlyList<string> DriftFeatures { get; init; } = [];

    /// <summary>
    /// Why the day's retraining promoted or rejected its candidate (and, first, the canary it decided), with the
    /// validation numbers; null without one.
    /// </summary>
    public string? RetrainReason { get; init; }

    /// <summary>The version that served a canary to a share of users during the day, if any.</summary>
    public string? CanaryVersion { get; init; }

    /// <summary>Whether a canary runs after the day's retraining (its candidate's, or one that continues).</summary>
    public bool CanaryStarted { get; init; }

    /// <summary>The users with at least one session this day: the paired retention margin compares the two runs user by user (not in the JSON).</summary>
    public IReadOnlySet<string> ActiveUserIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Users with at least one session this day (daily active users).</summary>
    public int ActiveUsers => ActiveUserIds.Count;

    /// <summary>Share of day 0's active users who are active this day (1 on day 0; day 7's is the day-7 retention).</summary>
    public double CohortActiveShare { get; init; }

    /// <summary>The mean of the users' visit-rate multipliers at the day's end (<see cref="VisitRates"/>; 1 without retention).</summary>
    public double MeanVisitRate { get; init; } = 1;

    /// <summary>Satisfaction per session this day: ln(1 + minutes watched in the session), watches and skips (<see cref="VisitRates"/>).</summary>
    public double Satisfaction { get; init; }
}
