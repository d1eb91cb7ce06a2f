using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Hosting;

namespace RecEngine.Simulation;

/// <summary>First <c>serve</c> on an empty data directory: generate the demo world (section <c>RecEngine:Simulation</c>) before anything trains on it.</summary>
internal sealed class DemoWorldFirstRunStep(IOptions<SimulationOptions> options, IServiceProvider services, ILogger<DemoWorldFirstRunStep> logger) : IFirstRunStep
{
    /// <summary>First: later steps (training) need the world.</summary>
    public int Order => 0;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var result = await WorldGeneration.RunAsync(options.Value, services, Console.Out, cancellationToken);
        logger.LogInformation("Demo world written: {Users} users, {Videos} videos, {Events} events in {Seconds} s",
            result.Users, result.Videos, result.Events, result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
    }
}
