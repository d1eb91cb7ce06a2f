using Microsoft.Extensions.DependencyInjection.Extensions;
using RecEngine.Serving.Impressions;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Serving;

internal static class ServingModule
{
    public static IHostApplicationBuilder AddServing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServingOptions>()
            .BindConfiguration(ServingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ServingState>();
        // The model registry (Lifecycle) replaces this with the promoted versions.
        builder.Services.TryAddSingleton<IServingVersionSource, NewestOnDiskVersions>();
        // A cluster silo (Cluster module) replaces this with the version's catalog shards.
        builder.Services.TryAddSingleton<IRetrievalIndexOpener>(LocalRetrievalIndex.Instance);
        builder.Services.AddSingleton<ServingLoader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServingLoader>());
        builder.Services.AddHealthChecks().AddCheck<ModelHealthCheck>("model", tags: [Hosting.HealthTags.Ready]);

        // The request pipeline: one class per stage, the ranker behind an interface (tests swap in failing ones).
        builder.Services.AddSingleton<RetrieveStage>();
        builder.Services.AddSingleton<FilterStage>();
        builder.Services.AddSingleton<ICandidateRanker, OnnxCandidateRanker>();
        builder.Services.AddSingleton<ScoreStage>();
        builder.Services.AddSingleton<OrderStage>();
        builder.Services.AddSingleton<ExplorationStage>();
        builder.Services.AddSingleton<ColdStartSlates>();
        builder.Services.AddSingleton<CatalogErasure>();
        builder.Services.AddSingleton<RelatedVideos>();
        builder.Services.AddSingleton<ServedSlateNotifier>();
        builder.Services.AddSingleton<SnapshotWarmup>();
        builder.Services.AddSingleton<RelatedVideosWarmup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RelatedVideosWarmup>());
        builder.Services.AddSingleton<RecommendationPipeline>();
        builder.Services.AddSingleton<RetiredSnapshotCollector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetiredSnapshotCollector>());
        builder.Services.AddSingleton<MemoryFootprint>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MemoryFootprint>());

        // Impressions: a bounded queue the requests fill, drained in batches into the event writer.
        builder.Services.AddSingleton<ImpressionQueue>();
        builder.Services.AddSingleton<ImpressionWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImpressionWriter>());
        return builder;
    }
}
