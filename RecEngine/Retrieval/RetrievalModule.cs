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
        // A key these sections do not have is refused at start, not ignored: NormRanges (a band count) was replaced by
        // NormRatio on 2026-12-07, and a configuration that still sets it must say so.
        builder.Services.AddOptions<VectorIndexOptions>()
            .BindConfiguration(IndexSection, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<AlsOptions>()
            .BindConfiguration(AlsSection, binder => binder.ErrorOnUnknownConfiguration = true)
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
