using System.Diagnostics;
using System.Globalization;
using RecEngine.Hosting;

namespace RecEngine.Simulation;

/// <summary>Builds a world from options and writes it with the progress display; shared by <c>generate</c> and the first run of <c>serve</c>.</summary>
internal static class WorldGeneration
{
    public static async Task<WorldWriteResult> RunAsync(SimulationOptions options, IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var start = options.ResolveStart(services.GetRequiredService<TimeProvider>());
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Generating a world of {options.Users:N0} users and {options.Videos:N0} videos over {options.Days} days from {start:yyyy-MM-dd} (seed {options.Seed}, scenario {options.Scenario})."));
        var world = await Task.Run(() => new SimulatedWorld(options, start), cancellationToken);
        var writer = services.GetRequiredService<WorldWriter>();
        var result = await GenerateProgressDisplay.RunAsync(progress => writer.Write(world, progress, cancellationToken), plainOutput: output);
        WorldFile.Save(services.GetRequiredService<DataDirectory>(), options with { Start = start });
        return result with { Elapsed = Stopwatch.GetElapsedTime(started) };
    }
}
