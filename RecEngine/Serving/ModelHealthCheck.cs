using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RecEngine.Serving;

/// <summary>
/// Readiness: a model version is loaded and warmed (a snapshot is published only after its warm-up), unless
/// <see cref="ServingOptions.ReadyWithoutModel"/> says the popularity fallback is good enough to take traffic.
/// </summary>
internal sealed class ModelHealthCheck(ServingState state, IOptions<ServingOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Current is { } snapshot)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"model version {snapshot.Version} is loaded and warmed"));
        }

        return Task.FromResult(options.Value.ReadyWithoutModel
            ? HealthCheckResult.Healthy("no model is loaded; serving the popularity fallback (RecEngine:Serving:ReadyWithoutModel)")
            : HealthCheckResult.Unhealthy("no model version is loaded and warmed yet (set RecEngine:Serving:ReadyWithoutModel=true to take traffic on the popularity fallback)"));
    }
}
