namespace RecEngine.Serving;

public static class ServingModule
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServingState>();
        builder.Services.AddSingleton<ServingLoader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServingLoader>());
        builder.Services.AddSingleton<Recommender>();
        return builder;
    }
}
