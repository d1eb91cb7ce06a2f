using ScottPlot;

namespace RecEngine.Simulation.Online;

/// <summary>
/// The PNG of <c>simulate --plot</c>: watch seconds per slate of both runs on the left axis (expected as lines, as
/// watched as open markers), the retraining run's
/// drift score (largest PSI of the day's check) on the right, the switch day as a line, days with a drift alarm and
/// promotions of a retrained model as markers.
/// </summary>
internal static class SimulationPlot
{
    public static void Save(SimulationResult result, string path, int width = 1100, int height = 600)
    {
        var plot = new Plot();
        var days = result.Days.Select(d => (double)d.Day).ToArray();
        var watch = result.Days.Select(d => d.ExpectedWatchSecondsPerSlate).ToArray();
        var staticDays = result.StaticDays.Select(d => (double)d.Day).ToArray();

        var retrained = plot.Add.Scatter(days, watch);
        retrained.LegendText = "expected watch s/slate, retraining";
        retrained.LineWidth = 2;
        retrained.Color = Colors.Blue;
        var kept = plot.Add.Scatter(staticDays, result.StaticDays.Select(d => d.ExpectedWatchSecondsPerSlate).ToArray());
        kept.LegendText = "expected watch s/slate, no retraining";
        kept.LinePattern = LinePattern.Dashed;
        kept.Color = Colors.Orange;
        var observed = plot.Add.Markers(days, result.Days.Select(d => d.WatchSecondsPerSlate).ToArray(), MarkerShape.OpenCircle, 6, Colors.Blue);
        observed.LegendText = "watched s/slate, retraining";
        var observedStatic = plot.Add.Markers(staticDays, result.StaticDays.Select(d => d.WatchSecondsPerSlate).ToArray(), MarkerShape.OpenSquare, 6, Colors.Orange);
        observedStatic.LegendText = "watched s/slate, no retraining";

        var drift = plot.Add.Scatter(days, result.Days.Select(d => d.DriftScore).ToArray());
        drift.LegendText = "drift score (max PSI)";
        drift.Color = Colors.Gray;
        drift.Axes.YAxis = plot.Axes.Right;

        var shift = plot.Add.VerticalLine(result.SwitchDay);
        shift.LegendText = $"{result.Scenario} switches on";
        shift.Color = Colors.Black;
        shift.LinePattern = LinePattern.Dotted;

        AddMarkers(plot, result.Days.Where(d => d.DriftAlarms > 0).ToList(), MarkerShape.FilledDiamond, Colors.Red, "drift alarm (day's check)");
        // A promotion at a day's end serves from the next day: marked at the boundary, on the axis floor.
        AddMarkers(plot, result.Days.Where(d => d.Retrained).ToList(), MarkerShape.FilledTriangleUp, Colors.Green, "retrained model promoted", offset: 0.5, atZero: true);

        plot.Title($"simulate {result.Scenario}: recovered_ratio {result.RecoveredRatio:0.00}, static_ratio {result.StaticRatio:0.00}");
        plot.XLabel("online day");
        plot.YLabel("watch seconds per slate");
        plot.Axes.Right.Label.Text = "drift score (max PSI)";
        plot.ShowLegend(Alignment.LowerLeft);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, width, height);
    }

    private static void AddMarkers(Plot plot, List<SimulatedDay> days, MarkerShape shape, Color color, string label, double offset = 0, bool atZero = false)
    {
        if (days.Count == 0)
        {
            return;
        }

        var markers = plot.Add.Markers(days.Select(d => d.Day + offset).ToArray(), days.Select(d => atZero ? 0 : d.ExpectedWatchSecondsPerSlate).ToArray(), shape, 10, color);
        markers.LegendText = label;
    }
}
