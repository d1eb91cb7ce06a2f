using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;

namespace RecEngine.Tests.Serving;

/// <summary>Readiness waits for the start-up to be over: the model, the users' features, then the related videos and the heap compaction after them.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_loaded_model_with_warmed_users_is_not_ready_until_the_related_videos_warm_up_is_done()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        LifecycleWorld.TrainAndPromote(factory.Services);
        var services = factory.Services;
        var userFeatures = services.GetRequiredService<UserFeatureWarmup>();
        await userFeatures.Completed.WaitAsync(TimeSpan.FromSeconds(60));
        var state = services.GetRequiredService<ServingState>();
        var options = services.GetRequiredService<IOptions<ServingOptions>>();

        // A warm-up that has not run yet: the check must wait for it.
        var pending = new RelatedVideosWarmup(
            userFeatures, services.GetRequiredService<UserFeatureCache>(), state, options,
            services.GetRequiredService<IOptions<FeaturesOptions>>(), services.GetRequiredService<IOptions<CandidateOptions>>(),
            services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>(), NullLogger<RelatedVideosWarmup>.Instance);
        var waiting = await new ModelHealthCheck(state, userFeatures, pending, options).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, waiting.Status);
        Assert.Contains("related videos", waiting.Description, StringComparison.Ordinal);

        // The app's own warm-up finishes, and then the same check passes.
        var own = services.GetRequiredService<RelatedVideosWarmup>();
        await own.Completed.WaitAsync(TimeSpan.FromSeconds(60));
        var ready = await new ModelHealthCheck(state, userFeatures, own, options).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, ready.Status);
    }
}
