using RecEngine.Events;

namespace RecEngine.Features;

public static class FeaturesModule
{
    public static IHostApplicationBuilder AddFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeaturesOptions>()
            .BindConfiguration(FeaturesOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<UserFeatureCache>();
        builder.Services.AddSingleton<IEventCommitListener>(sp => sp.GetRequiredService<UserFeatureCache>());
        return builder;
    }
}
