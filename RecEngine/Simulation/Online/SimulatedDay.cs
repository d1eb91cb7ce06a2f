namespace RecEngine.Simulation.Online;

/// <summary>
/// One online day of one run: watch seconds (watches and skips) per served slate as users watched them, and as the
/// oracle expects them given the served slates (the same quantity without the sampling noise of clicks and watch
/// fractions, which with durations up to hours swings a day's mean by tens of percent), the features the drift check at
/// the day's end flagged as drift, its drift score (the largest PSI of any feature), the model version that served
/// the day, and whether a retrained version was promoted at the day's end (and why).
/// </summary>
public sealed record SimulatedDay(
    int Day,
    long Slates,
    long Events,
    double WatchSecondsPerSlate,
    double ExpectedWatchSecondsPerSlate,
    int DriftAlarms,
    double DriftScore,
    string ModelVersion,
    bool Retrained,
    string? RetrainTrigger);
