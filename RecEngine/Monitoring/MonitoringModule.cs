using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Monitoring;

public static class MonitoringModule
{
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MonitoringOptions>()
            .BindConfiguration(MonitoringOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Serving replaces the in-memory source with one fed from the impression log.
        builder.Services.TryAddSingleton(sp => new InMemoryDriftDataSource(
            sp.GetRequiredService<IOptions<MonitoringOptions>>().Value.LiveWindowCapacity, sp.GetRequiredService<TimeProvider>()));
        // The reference stored with the serving model version, falling back to the bootstrapped one.
        builder.Services.TryAddSingleton<IDriftDataSource>(sp => new ServingVersionReference(
            sp.GetRequiredService<InMemoryDriftDataSource>(),
            () => sp.GetService<ServingState>()?.Current?.Version,
            sp.GetRequiredService<DataDirectory>(),
            sp.GetRequiredService<ILogger<ServingVersionReference>>()));
        // Served slates feed the live window (every ranker feature and the score).
        builder.Services.AddSingleton<IServedSlateListener>(sp => new ServedSlateRecorder(sp.GetRequiredService<InMemoryDriftDataSource>()));
        builder.Services.AddHostedService(sp => new ServingMetricsExporter(sp.GetService<ServingState>()));
        // Ingested events feed the live window (device mix, outcome rates, hours, watch seconds).
        builder.Services.AddSingleton<IEventCommitListener>(sp => new EventDriftRecorder(sp.GetRequiredService<InMemoryDriftDataSource>()));
        builder.Services.AddHostedService<DriftReferenceBootstrap>();
        builder.Services.AddSingleton<DriftMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DriftMonitor>());
        return builder;
    }
}
