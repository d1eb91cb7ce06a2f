using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Monitoring;

internal static class MonitoringModule
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
        builder.Services.TryAddSingleton(sp => new ServedReferenceCapture(sp.GetRequiredService<IOptions<MonitoringOptions>>().Value.ServedReferenceSize));
        // The serving version's reference: event features from its training, served-slate features from its first
        // served slates; the bootstrapped one stands in for versions stored without a training reference.
        builder.Services.TryAddSingleton<IDriftDataSource>(sp => new ServingVersionReference(
            sp.GetRequiredService<InMemoryDriftDataSource>(),
            sp.GetRequiredService<ServedReferenceCapture>(),
            () => sp.GetService<ServingState>()?.Current?.Version,
            sp.GetRequiredService<DataDirectory>(),
            sp.GetRequiredService<IOptions<MonitoringOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ServingVersionReference>>()));
        // Served slates feed the served reference first, then the live window (every ranker feature and the score).
        builder.Services.AddSingleton<IServedSlateListener>(sp => new ServedSlateRecorder(
            sp.GetRequiredService<InMemoryDriftDataSource>(), sp.GetRequiredService<ServedReferenceCapture>()));
        builder.Services.AddHostedService(sp => new ServingMetricsExporter(sp.GetService<ServingState>()));
        // Ingested events feed the live window (device mix, outcome rates, hours, watch seconds).
        builder.Services.AddSingleton<IEventCommitListener>(sp => new EventDriftRecorder(sp.GetRequiredService<InMemoryDriftDataSource>()));
        builder.Services.AddHostedService<DriftReferenceBootstrap>();
        builder.Services.AddSingleton<DriftMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DriftMonitor>());
        return builder;
    }
}
