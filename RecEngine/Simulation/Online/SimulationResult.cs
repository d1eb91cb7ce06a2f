using System.Text.Json;
using RecEngine.Hosting;
using RecEngine.Training.Evaluation;

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

    /// <summary>
    /// The retraining run's day-7 retention minus the static run's, paired user by user over day 0's active users: each
    /// user counts 1 in a run whose day-0 cohort holds them and whose day 7 sees them, else 0, and the margin is the mean
    /// of the retraining run's count minus the static run's, with its standard error. Both runs share day 0, so the mean is the difference of the two retentions; the pairing takes
    /// out who was likely to come back anyway. Null with fewer than 8 online days in either run or under two users.
    /// </summary>
    public PairedMargin? Day7RetentionMargin
    {
        get
        {
            if (Days.Count <= RetentionDay || StaticDays.Count <= RetentionDay)
            {
                return null;
            }

            var cohort = new HashSet<string>(Days[0].ActiveUserIds, StringComparer.Ordinal);
            cohort.UnionWith(StaticDays[0].ActiveUserIds);
            return cohort.Count < 2 ? null : PairedMargin.Of(cohort.Select(u => Kept(Days, u) - Kept(StaticDays, u)).ToList());
        }
    }

    private static double Kept(IReadOnlyList<SimulatedDay> days, string user) =>
        days[0].ActiveUserIds.Contains(user) && days[RetentionDay].ActiveUserIds.Contains(user) ? 1 : 0;

    public static double Ratio(IReadOnlyList<SimulatedDay> days, int switchDay)
    {
        var before = days.Take(switchDay).Select(d => d.ExpectedWatchSecondsPerSlate).DefaultIfEmpty(0).Average();
        var afterFrom = Math.Min(switchDay + RecoveryDays, days.Count - 1);
        var after = days.Skip(afterFrom).Select(d => d.ExpectedWatchSecondsPerSlate).DefaultIfEmpty(0).Average();
        return before > 0 ? after / before : 0;
    }

    /// <summary>The contract JSON of <c>simulate --json</c> (snake_case): scenario, days, recovered_ratio, static_ratio, the two day-7 retentions and their paired margin, plus the switch day, the static run's days and each day's expected watch seconds per slate and oracle share.</summary>
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
            Day7RetentionMargin = Day7RetentionMargin is { } m ? new { m.Mean, m.StandardError, m.Users } : null,
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
