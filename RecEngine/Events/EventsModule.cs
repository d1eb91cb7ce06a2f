using RecEngine.Events.Import;
using RecEngine.Hosting;

namespace RecEngine.Events;

internal static class EventsModule
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventsOptions>()
            .BindConfiguration(EventsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<EventValidator>();
        builder.Services.AddSingleton<EventWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventWriter>());
        builder.Services.AddSingleton<EventRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        builder.Services.AddHealthChecks().AddCheck<EventWriterHealthCheck>("writer", tags: [HealthTags.Ready]);
        builder.Services.AddSingleton<MovieLensImporter>();
        return builder;
    }
}
