using System.Text.Json;
using RecEngine.Hosting;

namespace RecEngine.Simulation.Online;

/// <summary>
/// Both runs of one <c>simulate</c>: with retraining (<see cref="Days"/>) and with the first model kept
/// (<see cref="StaticDays"/>). A ratio is a run's watch time per slate after the shift over its level before it:
/// the mean of days [switch + 2, end) (the days after the two the goal allows for recovery) over the mean of days
/// [0, switch), both of the oracle's expected watch seconds per served slate. That expectation is the conditional
/// mean of the observed watch time given the slates (Rao-Blackwell: same mean, no more variance); the observed
/// daily means, with video durations up to hours, swing too much for a ratio of a few days to mean anything.
/// </summary>
internal sealed record SimulationResult(string Scenario, int SwitchDay, IReadOnlyList<SimulatedDay> Days, IReadOnlyList<SimulatedDay> StaticDays)
{
    /// <summary>Days after the switch that recovery may take before it is measured.</summary>
    public const int RecoveryDays = 2;

    public double RecoveredRatio => Ratio(Days, SwitchDay);

    public double StaticRatio => Ratio(StaticDays, SwitchDay);

    /// <summary>The online day whose cohort share is the headline retention: day 7 (a week after day 0).</summary>
    public const int RetentionDay = 7;

    /// <summary>Share of day 0's active users active on day 7, with retraining; null with fewer than 8 online days.</summary>
    public double? Day7Retention => Retention(Days);

    public double? StaticDay7Retention => Retention(StaticDays);

    private static double? Retention(IReadOnlyList<SimulatedDay> days) => days.Count > RetentionDay ? days[RetentionDay].CohortActiveShare : null;

    public static double Ratio(IReadOnlyList<SimulatedDay> days, int switchDay)
    {
        var before = days.Take(switchDay).Select(d => d.ExpectedWatchSecondsPerSlate).DefaultIfEmpty(0).Average();
        var afterFrom = Math.Min(switchDay + RecoveryDays, days.Count - 1);
        var after = days.Skip(afterFrom).Select(d => d.ExpectedWatchSecondsPerSlate).DefaultIfEmpty(0).Average();
        return before > 0 ? after / before : 0;
    }

    /// <summary>The contract JSON of <c>simulate --json</c> (snake_case): scenario, days, recovered_ratio, static_ratio, plus the switch day, the static run's days and each day's expected watch seconds per slate and oracle share.</summary>
    public void WriteJson(string path)
    {
        var json = new
        {
            Scenario,
            Days = Days.Select(Row),
            RecoveredRatio,
            StaticRatio,
            Day7Retention,
            StaticDay7Retention,
            SwitchDay,
            StaticDays = StaticDays.Select(Row),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(json, ServiceDefaults.Json));
    }

    private static object Row(SimulatedDay d) => new
    {
        d.Day,
        WatchSecondsPerSlate = Math.Round(d.WatchSecondsPerSlate, 2),
        ExpectedWatchSecondsPerSlate = Math.Round(d.ExpectedWatchSecondsPerSlate, 2),
        OracleShare = Math.Round(d.OracleShare, 4),
        d.DriftAlarms,
        d.DriftFeatures,
        d.ModelVersion,
        d.Retrained,
        d.RetrainTrigger,
        d.RetrainReason,
        d.CanaryVersion,
        d.CanaryStarted,
        d.ActiveUsers,
        CohortActiveShare = Math.Round(d.CohortActiveShare, 4),
        MeanVisitRate = Math.Round(d.MeanVisitRate, 4),
        Satisfaction = Math.Round(d.Satisfaction, 4),
    };
}
