using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

internal static class LifecycleModule
{
    public static IHostApplicationBuilder AddLifecycle(this IHostApplicationBuilder builder)
    {
        AddOptions<LifecycleOptions>(builder, LifecycleOptions.Section, (_, _) => LifecycleOptions.Moved());
        AddOptions<RetrainingScheduleOptions>(builder, RetrainingScheduleOptions.Section, (o, _) => o.Inert());
        AddOptions<CanaryOptions>(builder, CanaryOptions.Section, (o, _) => o.Inert());
        AddOptions<HeldOutValidationOptions>(builder, HeldOutValidationOptions.Section, (o, sp) => o.Inert(sp.GetRequiredService<IOptions<CanaryOptions>>().Value));
        // Retention must keep what a retraining reads: the rolling window and the held-out slice after it.
        builder.Services.AddOptions<Events.EventsOptions>()
            .Validate<IOptions<LifecycleOptions>>(
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
        builder.Services.AddSingleton<HeldOutComparison>();
        builder.Services.AddSingleton<FirstModelGate>();
        // The gate for every candidate after the first, chosen once: with canaries on the canary decides, otherwise
        // held-out validation does.
        builder.Services.AddSingleton<IPromotionGate>(sp => sp.GetRequiredService<IOptions<CanaryOptions>>().Value.Share > 0
            ? ActivatorUtilities.CreateInstance<CanaryGate>(sp)
            : ActivatorUtilities.CreateInstance<HeldOutGate>(sp));
        builder.Services.AddSingleton<CandidateRetraining>();
        builder.Services.AddSingleton<RetrainingService>();
        builder.Services.AddSingleton<IRetrainer>(sp => sp.GetRequiredService<RetrainingService>());
        builder.Services.AddSingleton<IDriftListener>(sp => sp.GetRequiredService<RetrainingService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetrainingService>());
        return builder;
    }

    /// <summary>
    /// Binds, validates on start, and, given <paramref name="inert"/>, fails start on a knob set where its mode makes it
    /// inert (<see cref="InertKnobValidation{TOptions}"/>).
    /// </summary>
    private static void AddOptions<TOptions>(IHostApplicationBuilder builder, string section, Func<TOptions, IServiceProvider, IEnumerable<InertKnob>>? inert = null)
        where TOptions : class
    {
        builder.Services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        if (inert is not null)
        {
            builder.Services.AddSingleton<IValidateOptions<TOptions>>(sp =>
                new InertKnobValidation<TOptions>(sp.GetRequiredService<IConfiguration>(), section, o => inert(o, sp)));
        }
    }
}
