using System.Globalization;
using RecEngine;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Monitoring;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Serving;
using RecEngine.Training;

namespace RecEngine.Simulation.Online;

/// <summary>
/// The process the online loop runs against: the same modules as <c>serve</c> (catalog, ingestion, features,
/// retrieval, ranking, training, monitoring, serving) in a host of its own over a scratch data directory, with a
/// <see cref="FakeTimeProvider"/> as the clock, so serving, the drift monitor and retraining all see simulated time.
/// Drift checks are run by the loop at each simulated midnight (the monitor's own timer is off), so a run is
/// reproducible rather than racing the thread pool.
/// </summary>
internal static class OnlineLoopHost
{
    public static IHost Build(IConfiguration parent, string dataDir, FakeTimeProvider clock, OnlineLoopSettings settings, bool retraining)
    {
        Directory.CreateDirectory(dataDir);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dataDir });
        builder.Configuration.AddConfiguration(parent);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{RecEngineOptions.Section}:DataDir"] = dataDir,
            [$"{RecEngineOptions.Section}:FirstRunDemo"] = "false",
            [$"{MonitoringOptions.Section}:Enabled"] = "false",
            // The simulated sessions log what they showed, with device and display times, as an app would: the
            // server's own impression log would store every showing twice.
            [$"{ServingOptions.Section}:LogImpressions"] = "false",
            // A simulated day serves a few thousand slates, one value of each user feature per slate: at the server's
            // default a retrained version would be replaced before its served reference filled.
            [$"{MonitoringOptions.Section}:ServedReferenceSize"] = "1000",
        });
        // Errors only: drift warnings are what the daily table reports, one line per day instead of one per feature.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.AddServingModules();
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        builder.Services.AddSingleton(settings);
        if (retraining)
        {
            // The server's validating RetrainingService, registry and promoter. Its own timer is off: the loop runs the
            // daily schedule at simulated midnights; drift triggers reach it as on the server, through the drift
            // monitor's listener and its debounce.
            builder.Configuration.AddInMemoryCollection(LifecycleSettings(settings));
            builder.AddLifecycle();
        }

        return builder.Build();
    }

    /// <summary>The run's rolling window, ranker window and epochs as the lifecycle's options; the schedule is the loop's.</summary>
    internal static Dictionary<string, string?> LifecycleSettings(OnlineLoopSettings settings) => new()
    {
        [$"{RetrainingScheduleOptions.Section}:Enabled"] = "false",
        [$"{LifecycleOptions.Section}:Window"] = TimeSpan.FromDays(settings.WindowDays).ToString("c", CultureInfo.InvariantCulture),
        [$"{LifecycleOptions.Section}:RankerWindow"] = TimeSpan.FromDays(settings.RankerDays).ToString("c", CultureInfo.InvariantCulture),
        [$"{LifecycleOptions.Section}:Epochs"] = settings.Epochs.ToString(CultureInfo.InvariantCulture),
    };
}
