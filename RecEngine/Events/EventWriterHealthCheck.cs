using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RecEngine.Events;

/// <summary>Readiness: the group-commit writer runs, is not stuck in a commit, and its last commit (or recovery probe) succeeded.</summary>
internal sealed class EventWriterHealthCheck(EventWriter writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // After a failed commit, a probe write tells whether the store takes writes again.
        writer.TryRecover();
        return Task.FromResult(writer.Unavailable is { } why
            ? HealthCheckResult.Unhealthy(why)
            : HealthCheckResult.Healthy("the event writer is running"));
    }
}
