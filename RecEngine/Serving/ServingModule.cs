using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RecEngine.Serving;

public static class ServingModule
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServingState>();
        // The model registry (Lifecycle) replaces this with the promoted versions.
        builder.Services.TryAddSingleton<IServingVersionSource, NewestOnDiskVersions>();
        builder.Services.AddSingleton<ServingLoader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServingLoader>());
        builder.Services.AddSingleton<Recommender>();
        return builder;
    }
}
