using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RecEngine.Catalog;

/// <summary>Readiness: the store is open and its last write did not fail. Checking also drives the reopen after a fault.</summary>
internal sealed class StoreHealthCheck(RecEngineStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store.Fault is { } fault)
        {
            try
            {
                _ = store.Database;
            }
            catch (Exception)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"the store cannot write: {fault}"));
            }
        }

        return Task.FromResult(store.IsHealthy
            ? HealthCheckResult.Healthy("the store is open")
            : HealthCheckResult.Unhealthy("the store is not open yet"));
    }
}
