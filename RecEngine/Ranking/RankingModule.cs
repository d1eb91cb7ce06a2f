namespace RecEngine.Ranking;

internal static class RankingModule
{
    public static IHostApplicationBuilder AddRanking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OnnxRankerOptions>()
            .BindConfiguration(OnnxRankerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RankerModelLoader>();
        return builder;
    }
}
