using RecEngine.Events;
using RecEngine.Features.Images;

namespace RecEngine.Features;

internal static class FeaturesModule
{
    public static IHostApplicationBuilder AddFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeaturesOptions>()
            .BindConfiguration(FeaturesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<UserFeatureCache>();
        builder.Services.AddSingleton<IEventCommitListener>(sp => sp.GetRequiredService<UserFeatureCache>());
        // A cluster silo replaces this with the users' grains.
        builder.Services.AddSingleton<IUserFeatureSource>(sp => sp.GetRequiredService<UserFeatureCache>());
        builder.Services.AddSingleton<UserFeatureWarmup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UserFeatureWarmup>());
        builder.Services.AddOptions<ThumbnailOptions>()
            .BindConfiguration(ThumbnailOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ThumbnailEmbeddingQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ThumbnailEmbeddingQueue>());
        return builder;
    }
}
