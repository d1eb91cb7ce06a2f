using System.Globalization;

namespace RecEngine.Simulation.Online;

/// <summary>
/// The daily table <c>simulate</c> prints: both runs side by side (watch seconds per slate as watched and as the oracle
/// expects them for the served slates, and that as a share of the oracle's best slates), their daily active users and
/// the share of day 0's active users still active, then the two ratios and the day-7 retentions.
/// </summary>
internal static class SimulationTable
{
    public static void Write(SimulationResult result, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"",3}  {"retraining run",-107}  {"static run (first model)",-46}"));
        output.WriteLine(string.Create(c, $"{"day",3}  {"watch s/slate",13}  {"expected",8}  {"share",5}  {"DAU",6}  {"kept",5}  {"drift alarms",12}  {"model version",-22}  {"retrained",-22}  {"watch s/slate",13}  {"expected",8}  {"share",5}  {"DAU",6}  {"kept",5}  {"drift alarms",12}"));
        for (var i = 0; i < result.Days.Count; i++)
        {
            var d = result.Days[i];
            var s = i < result.StaticDays.Count ? result.StaticDays[i] : null;
            var marker = d.Day == result.SwitchDay ? $" <- {result.Scenario}" : "";
            var retrained = d.RetrainTrigger is not { } t ? "no"
                : $"{(d.Retrained ? d.CanaryStarted ? "yes+canary" : "yes" : d.CanaryStarted ? "canary" : "rejected")} ({t})";
            output.WriteLine(string.Create(c,
                $"{d.Day,3}  {d.WatchSecondsPerSlate,13:0.0}  {d.ExpectedWatchSecondsPerSlate,8:0.0}  {d.OracleShare,5:0.00}  {d.ActiveUsers,6}  {d.CohortActiveShare,5:0.00}  {d.DriftAlarms,12}  {d.ModelVersion,-22}  {retrained,-22}  {s?.WatchSecondsPerSlate,13:0.0}  {s?.ExpectedWatchSecondsPerSlate,8:0.0}  {s?.OracleShare,5:0.00}  {s?.ActiveUsers,6}  {s?.CohortActiveShare,5:0.00}  {s?.DriftAlarms,12}{marker}"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"recovered_ratio {result.RecoveredRatio:0.000}  static_ratio {result.StaticRatio:0.000}  " +
            $"(expected watch time per slate on days {Math.Min(result.SwitchDay + SimulationResult.RecoveryDays, result.Days.Count - 1)}-{result.Days.Count - 1} over days 0-{result.SwitchDay - 1})"));
        if (result.Day7Retention is { } retained && result.StaticDay7Retention is { } kept)
        {
            output.WriteLine(string.Create(c, $"day7_retention {retained:0.000}  static_day7_retention {kept:0.000}  (share of day 0's active users active on day {SimulationResult.RetentionDay})"));
            if (result.Day7RetentionMargin is { } m)
            {
                output.WriteLine(string.Create(c, $"retraining - static day-7 retention: {m.Mean:+0.000;-0.000} (standard error {m.StandardError:0.000} over {m.Users:N0} users, paired)"));
            }
        }
    }
}
