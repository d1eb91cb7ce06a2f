using System.Globalization;

namespace RecEngine.Simulation.Online;

/// <summary>The daily table <c>simulate</c> prints: both runs side by side, then the two ratios.</summary>
internal static class SimulationTable
{
    public static void Write(SimulationResult result, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"{"day",3}  {"watch s/slate",13}  {"drift alarms",12}  {"model version",-22}  {"retrained",-18}  {"static watch s/slate",20}  {"static alarms",13}"));
        for (var i = 0; i < result.Days.Count; i++)
        {
            var d = result.Days[i];
            var s = i < result.StaticDays.Count ? result.StaticDays[i] : null;
            var marker = d.Day == result.SwitchDay ? $" <- {result.Scenario}" : "";
            var retrained = d.Retrained ? $"yes ({d.RetrainTrigger})" : "no";
            output.WriteLine(string.Create(c,
                $"{d.Day,3}  {d.WatchSecondsPerSlate,13:0.0}  {d.DriftAlarms,12}  {d.ModelVersion,-22}  {retrained,-18}  {s?.WatchSecondsPerSlate,20:0.0}  {s?.DriftAlarms,13}{marker}"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"recovered_ratio {result.RecoveredRatio:0.000}  static_ratio {result.StaticRatio:0.000}  " +
            $"(watch time per slate on days {Math.Min(result.SwitchDay + SimulationResult.RecoveryDays, result.Days.Count - 1)}-{result.Days.Count - 1} over days 0-{result.SwitchDay - 1})"));
    }
}
