using System.Diagnostics;
using System.Globalization;
using RecEngine.Hosting;
using Spectre.Console;

namespace RecEngine.Simulation;

/// <summary>
/// Shows a generate run: Spectre.Console progress bars on an interactive terminal, and plain periodic lines
/// when output is redirected (CI logs, <c>serve</c> under a supervisor), where redrawn bars would be noise.
/// </summary>
internal static class GenerateProgressDisplay
{
    private static readonly string[] Stages = ["users", "videos", "thumbnails", "events"];

    /// <summary>Runs <paramref name="work"/> on a pool thread while showing its progress.</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<WriteProgress>, T> work, bool? interactive = null, TextWriter? plainOutput = null)
    {
        if (interactive ?? (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive))
        {
            return await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var tasks = Stages.ToDictionary(s => s, s => context.AddTask(s, autoStart: false));
                    var progress = new ProgressDisplay.SyncProgress<WriteProgress>(p =>
                    {
                        var task = tasks[p.Stage];
                        task.StartTask();
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                        if (p.Stage == "events")
                        {
                            task.Description = $"events ({p.EventsWritten.ToString("N0", CultureInfo.InvariantCulture)}, day {p.Done}/{p.Total})";
                        }
                    });
                    return await Task.Run(() => work(progress));
                });
        }

        var output = plainOutput ?? Console.Out;
        var lastLine = Stopwatch.GetTimestamp();
        var lastStage = "";
        var plain = new ProgressDisplay.SyncProgress<WriteProgress>(p =>
        {
            // A line per stage start and end, otherwise at most one every five seconds.
            var boundary = p.Stage != lastStage || p.Done == p.Total;
            if (!boundary && Stopwatch.GetElapsedTime(lastLine) < TimeSpan.FromSeconds(5))
            {
                return;
            }

            lastStage = p.Stage;
            lastLine = Stopwatch.GetTimestamp();
            var line = p.Stage == "events"
                ? $"generate: events day {p.Done}/{p.Total}, {p.EventsWritten.ToString("N0", CultureInfo.InvariantCulture)} written"
                : $"generate: {p.Stage} {p.Done.ToString("N0", CultureInfo.InvariantCulture)}/{p.Total.ToString("N0", CultureInfo.InvariantCulture)}";
            lock (output)
            {
                output.WriteLine(line);
            }
        });
        return await Task.Run(() => work(plain));
    }
}
