using Microsoft.Extensions.Time.Testing;
using RecEngine.Hosting;
using RecEngine.Training;

namespace RecEngine.Simulation.Online;

/// <summary>
/// The whole <c>simulate</c>: writes the world's catalog and warm-up history once and trains the first model on it,
/// copies that data directory for two runs, then plays the online days with retraining on and with it off.
/// Both runs see the same world, the same first model and the same user-day random streams.
/// </summary>
internal static class OnlineSimulation
{
    public static async Task<SimulationResult> RunAsync(IConfiguration configuration, SimulationOptions defaults, OnlineLoopSettings settings, string workDir, CancellationToken cancellationToken)
    {
        var world = await Task.Run(() => new SimulatedWorld(settings.World(defaults), settings.Start), cancellationToken);
        var baseDir = Path.Combine(workDir, "base");
        await ProgressDisplay.RunAsync("History and first model", progress => Task.Run(() => Prepare(configuration, world, settings, baseDir, progress, cancellationToken), cancellationToken));

        var retrained = await RunAsync("Run with retraining", configuration, world, settings, baseDir, Path.Combine(workDir, "retraining"), retraining: true, cancellationToken);
        var kept = await RunAsync("Run without retraining", configuration, world, settings, baseDir, Path.Combine(workDir, "static"), retraining: false, cancellationToken);
        return new SimulationResult(world.Truth.Scenario.Name, settings.SwitchDay, retrained, kept);
    }

    internal static bool Prepare(IConfiguration configuration, SimulatedWorld world, OnlineLoopSettings settings, string dataDir, IProgress<ProgressUpdate> progress, CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(world.Truth.DayStart(settings.HistoryDays)));
        using var host = OnlineLoopHost.Build(configuration, dataDir, clock, settings, retraining: false);
        var services = host.Services;
        var writer = ActivatorUtilities.CreateInstance<WorldWriter>(services);
        var history = settings.HistoryDays;
        writer.Write(world, new ProgressDisplay.SyncProgress<WriteProgress>(p =>
            progress.Report(new ProgressUpdate(p.Stage == "events" ? 0.1 + (0.6 * p.Done / Math.Max(1, history)) : 0.05, $"{p.Stage} {p.Done:N0}/{p.Total:N0}"))), cancellationToken, eventDays: history);
        WorldFile.Save(services.GetRequiredService<DataDirectory>(), world.Truth.Options);
        progress.Report(new ProgressUpdate(0.7, "training the first model"));
        _ = services.GetRequiredService<ModelTraining>().Train(settings.WindowDays, settings.RankerDays, settings.Epochs, TextWriter.Null, cancellationToken)
            ?? throw new InvalidOperationException("The warm-up history gave nothing to train on.");
        progress.Report(new ProgressUpdate(1, "first model trained"));
        return true;
    }

    internal static async Task<List<SimulatedDay>> RunAsync(string title, IConfiguration configuration, SimulatedWorld world, OnlineLoopSettings settings, string baseDir, string dataDir, bool retraining, CancellationToken cancellationToken)
    {
        CopyDirectory(baseDir, dataDir);
        var clock = new FakeTimeProvider(new DateTimeOffset(world.Truth.DayStart(settings.HistoryDays)));
        using var host = OnlineLoopHost.Build(configuration, dataDir, clock, settings, retraining);
        await host.StartAsync(cancellationToken);
        try
        {
            return await ProgressDisplay.RunAsync(title, progress => new OnlineLoop(world, settings, host, clock, retraining).RunAsync(progress, cancellationToken));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The base data directory, closed, copied file by file (LiteDB file, models, world.json); lock files stay behind.</summary>
    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (Path.GetExtension(file) is ".lock" or ".server")
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
