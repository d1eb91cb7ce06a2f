namespace RecEngine.Simulation.Online;

/// <summary>
/// One online day of one run: watch seconds (watches and skips) per served slate, the features the drift check at
/// the day's end flagged as drift, its drift score (the largest PSI of any feature), the model version that served
/// the day, and whether a retrained version was promoted at the day's end (and why).
/// </summary>
public sealed record SimulatedDay(
    int Day,
    long Slates,
    long Events,
    double WatchSecondsPerSlate,
    int DriftAlarms,
    double DriftScore,
    string ModelVersion,
    bool Retrained,
    string? RetrainTrigger);
