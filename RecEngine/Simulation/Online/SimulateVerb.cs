using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Hosting;

namespace RecEngine.Simulation.Online;

/// <summary>
/// <c>simulate</c>: the online loop. Simulated users of the synthetic platform are served by the real pipeline and
/// react by the hidden ground truth; drift monitoring and retraining run on simulated time with the scenario switched
/// on at its day; the same days are played again without retraining, and both are reported.
/// </summary>
internal sealed class SimulateVerb(IOptions<SimulationOptions> simulation, IConfiguration configuration) : IVerb
{
    private static readonly OnlineLoopSettings Defaults = new();

    public string Name => "simulate";

    public string Summary => "Run the online loop on the synthetic platform: simulated users served by the real pipeline, drift monitoring and " +
        "retraining on simulated time, the scenario switched on at its day; then the same days without retraining. Prints a daily table and the recovery ratios.";

    public string Usage => "--scenario NAME --days N [--switch-day D] [--users N] [--videos N] [--seed S] [--history-days N] [--window-days N] " +
        "[--ranker-days N] [--epochs N] [--retrain-every N] [--retention S] [--json FILE] [--plot FILE] [--keep DIR]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("scenario", $"Drift scenario: {string.Join(", ", Scenario.Names)}.", Defaults.Scenario),
        new("days", "Online days served by the pipeline (4-365).", Defaults.Days.ToString(CultureInfo.InvariantCulture)),
        new("switch-day", "Online day the scenario switches on (1 to days - 3).", $"{Defaults.SwitchDay}, or days / 2 - 1 when --days is given"),
        new("users", "Simulated users (100-1,000,000).", Defaults.Users.ToString(CultureInfo.InvariantCulture)),
        new("videos", "Videos (100-1,000,000).", Defaults.Videos.ToString(CultureInfo.InvariantCulture)),
        new("seed", "Random seed of the world.", Defaults.Seed.ToString(CultureInfo.InvariantCulture)),
        new("history-days", "Days of logging-policy history the first model trains on (2-365).", Defaults.HistoryDays.ToString(CultureInfo.InvariantCulture)),
        new("window-days", "Rolling training window in days.", Defaults.WindowDays.ToString(CultureInfo.InvariantCulture)),
        new("ranker-days", "The window's last N days train the ranker (less than --window-days).", Defaults.RankerDays.ToString(CultureInfo.InvariantCulture)),
        new("epochs", "Ranker training epochs.", Defaults.Epochs.ToString(CultureInfo.InvariantCulture)),
        new("retrain-every", "Scheduled retraining every N online days; a drift alarm retrains at once.", Defaults.RetrainEveryDays.ToString(CultureInfo.InvariantCulture)),
        new("retention", "How strongly satisfaction moves a simulated user's visit rate on the online days (0-5; 0 turns retention off; docs/simulation.md).", Defaults.Retention.Sensitivity.ToString(CultureInfo.InvariantCulture)),
        new("json", "Write the result as JSON to FILE."),
        new("plot", "Write a PNG chart of watch time per slate and drift score to FILE."),
        new("keep", "Run in DIR (new or empty) and keep the runs' data folders there (base, retraining, static: events, models) instead of a temporary folder removed at the end."),
    ];

    public string? ServerAlternative => null;

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken) => RunAsync(command, Console.Out, cancellationToken);

    internal async Task<int> RunAsync(CommandLine command, TextWriter output, CancellationToken cancellationToken)
    {
        var settings = Parse(command);
        var keep = command.GetString("keep");
        if (keep is not null && Directory.Exists(keep) && Directory.EnumerateFileSystemEntries(keep).Any())
        {
            throw new VerbUsageException($"--keep {keep}: the folder is not empty; name a new or empty one.");
        }

        var workDir = keep is null ? Path.Combine(Path.GetTempPath(), "recengine-simulate", Guid.NewGuid().ToString("N")) : Path.GetFullPath(keep);
        try
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Simulating {settings.Scenario} on {settings.Users:N0} users and {settings.Videos:N0} videos: {settings.HistoryDays} days of history, " +
                $"then {settings.Days} online days, the scenario switching on at day {settings.SwitchDay}."));
            var result = await OnlineSimulation.RunAsync(configuration, simulation.Value, settings, workDir, cancellationToken);
            SimulationTable.Write(result, output);
            if (command.GetString("json") is { } json)
            {
                result.WriteJson(json);
                await output.WriteLineAsync($"Wrote {json}.");
            }

            if (command.GetString("plot") is { } plot)
            {
                SimulationPlot.Save(result, plot);
                await output.WriteLineAsync($"Wrote {plot}.");
            }

            return 0;
        }
        finally
        {
            if (keep is null)
            {
                TryDelete(workDir);
            }
            else
            {
                await output.WriteLineAsync($"Kept the runs' data folders in {workDir}.");
            }
        }
    }

    internal static OnlineLoopSettings Parse(CommandLine command)
    {
        var scenario = command.GetString("scenario") ?? Defaults.Scenario;
        var days = command.GetInt("days", Defaults.Days, 4, 365);
        var switchDay = command.GetInt("switch-day", command.Options.ContainsKey("days") ? (days / 2) - 1 : Defaults.SwitchDay, 1, days - 3);
        try
        {
            scenario = Scenario.Parse(scenario, switchDay).Name;
        }
        catch (FormatException ex)
        {
            throw new VerbUsageException(ex.Message);
        }

        foreach (var path in new[] { "json", "plot", "keep" })
        {
            if (command.GetString(path) is "true" or "")
            {
                throw new VerbUsageException($"--{path} needs a file name.");
            }
        }

        var windowDays = command.GetInt("window-days", Defaults.WindowDays, 2, 365);
        var settings = new OnlineLoopSettings
        {
            Scenario = scenario,
            Days = days,
            SwitchDay = switchDay,
            Users = command.GetInt("users", Defaults.Users, 100, 1_000_000),
            Videos = command.GetInt("videos", Defaults.Videos, 100, 1_000_000),
            Seed = command.GetInt("seed", Defaults.Seed),
            HistoryDays = command.GetInt("history-days", Defaults.HistoryDays, 2, 365),
            WindowDays = windowDays,
            RankerDays = command.GetInt("ranker-days", Defaults.RankerDays, 1, windowDays - 1),
            Epochs = command.GetInt("epochs", Defaults.Epochs, 1, 100),
            RetrainEveryDays = command.GetInt("retrain-every", Defaults.RetrainEveryDays, 1, 365),
            Retention = Defaults.Retention with { Sensitivity = command.GetDouble("retention", Defaults.Retention.Sensitivity, 0, 5) },
        };
        return settings;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover scratch folder in the temp directory is not worth failing the run for.
        }
    }
}
