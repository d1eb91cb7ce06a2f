namespace RecEngine.Simulation.Online;

/// <summary>
/// One <c>simulate</c> run: the world (users, videos, seed), the warm-up history the first model trains on, the
/// online days the real pipeline serves (day 0 is the first online day), the scenario's switch day among them,
/// and how retraining trains (rolling window, ranker days, epochs) and how often it runs on schedule.
/// </summary>
internal sealed record OnlineLoopSettings
{
    public string Scenario { get; init; } = "taste-shift";

    public int Users { get; init; } = 5_000;

    public int Videos { get; init; } = 5_000;

    public int Seed { get; init; } = 42;

    /// <summary>Days of logging-policy history before the online days; the first model trains on them.</summary>
    public int HistoryDays { get; init; } = 10;

    /// <summary>Online days: the real pipeline serves every session.</summary>
    public int Days { get; init; } = 10;

    /// <summary>Online day the scenario switches on.</summary>
    public int SwitchDay { get; init; } = 4;

    public int WindowDays { get; init; } = 7;

    public int RankerDays { get; init; } = 2;

    public int Epochs { get; init; } = 3;

    /// <summary>Scheduled retraining every N online days (at simulated midnight); a drift alarm retrains at once.</summary>
    public int RetrainEveryDays { get; init; } = 1;

    /// <summary>How the simulated users' visit rates follow their satisfaction on the online days (<see cref="VisitRates"/>).</summary>
    public RetentionSettings Retention { get; init; } = new();

    /// <summary>Midnight UTC of the first history day; fixed so a run is reproducible.</summary>
    public DateTime Start { get; init; } = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The world's options: history and online days are one simulated timeline.</summary>
    public SimulationOptions World(SimulationOptions defaults) => defaults with
    {
        Users = Users,
        Videos = Videos,
        Seed = Seed,
        Days = HistoryDays + Days,
        Scenario = Scenario,
        SwitchDay = HistoryDays + SwitchDay,
        Start = Start,
    };
}
