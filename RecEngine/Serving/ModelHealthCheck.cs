using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RecEngine.Features;

namespace RecEngine.Serving;

/// <summary>
/// Readiness: a model version is loaded and warmed (a snapshot is published only after its warm-up) and the users'
/// online features are warmed from the store (until then a request reads its user's history from LiteDB, which on a
/// long history ran past the request deadline: measured 115 ms for MovieLens users right after start), unless
/// <see cref="ServingOptions.ReadyWithoutModel"/> says the popularity fallback is good enough to take traffic.
/// </summary>
internal sealed class ModelHealthCheck(ServingState state, UserFeatureWarmup userFeatures, RelatedVideosWarmup related, IOptions<ServingOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Current is { } snapshot)
        {
            return Task.FromResult(!userFeatures.Completed.IsCompleted
                ? HealthCheckResult.Unhealthy($"model version {snapshot.Version} is loaded; the users' online features are still warming up from the store")
                : !related.Completed.IsCompleted
                    ? HealthCheckResult.Unhealthy($"model version {snapshot.Version} is loaded; related videos are warming up and the heap is being compacted")
                    : HealthCheckResult.Healthy($"model version {snapshot.Version} is loaded and warmed"));
        }

        return Task.FromResult(options.Value.ReadyWithoutModel
            ? HealthCheckResult.Healthy("no model is loaded; serving the popularity fallback (RecEngine:Serving:ReadyWithoutModel)")
            : HealthCheckResult.Unhealthy("no model version is loaded and warmed yet (set RecEngine:Serving:ReadyWithoutModel=true to take traffic on the popularity fallback)"));
    }
}
