using RecEngine.Hosting;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Retrieval;

internal static class RetrievalModule
{
    /// <summary>Section of the HNSW options: <c>RecEngine:Retrieval:Index</c>.</summary>
    public const string IndexSection = "RecEngine:Retrieval:Index";

    /// <summary>Section of the ALS options: <c>RecEngine:Retrieval:Als</c>.</summary>
    public const string AlsSection = "RecEngine:Retrieval:Als";

    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VectorIndexOptions>()
            .BindConfiguration(IndexSection)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AlsOptions>()
            .BindConfiguration(AlsSection)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<CandidateOptions>()
            .BindConfiguration(CandidateOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IVerb, BenchIndexVerb>();
        return builder;
    }
}
