using Microsoft.Extensions.DependencyInjection.Extensions;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

internal static class LifecycleModule
{
    public static IHostApplicationBuilder AddLifecycle(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LifecycleOptions>()
            .BindConfiguration(LifecycleOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Retention must keep what a retraining reads: the rolling window and the held-out slice after it.
        builder.Services.AddOptions<Events.EventsOptions>()
            .Validate<Microsoft.Extensions.Options.IOptions<LifecycleOptions>>(
                (events, lifecycle) => events.Retention == TimeSpan.Zero || events.Retention >= lifecycle.Value.Window + lifecycle.Value.HoldOut,
                "RecEngine:Events:Retention must be at least RecEngine:Lifecycle:Window + HoldOut (or 0 to keep everything).")
            .ValidateOnStart();

        builder.Services.AddSingleton<ModelRegistry>();
        // Verbs and the first-run step that register what they train: the registry is this module's.
        builder.Services.AddSingleton<IVerb, TrainVerb>();
        builder.Services.AddSingleton<IFirstRunStep, FirstModelStep>();
        // At start the last promoted version serves, not merely the newest folder.
        builder.Services.Replace(ServiceDescriptor.Singleton<IServingVersionSource, RegistryServingVersions>());
        builder.Services.AddHostedService<LeftoverModelCleanup>();
        builder.Services.AddSingleton<ModelPruning>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelPruning>());
        builder.Services.AddSingleton<ModelPromoter>();
        builder.Services.AddSingleton<CandidateRetraining>();
        builder.Services.AddSingleton<RetrainingService>();
        builder.Services.AddSingleton<IRetrainer>(sp => sp.GetRequiredService<RetrainingService>());
        builder.Services.AddSingleton<IDriftListener>(sp => sp.GetRequiredService<RetrainingService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetrainingService>());
        return builder;
    }
}
