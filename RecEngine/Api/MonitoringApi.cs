using Microsoft.AspNetCore.Http.HttpResults;
using RecEngine.Monitoring;

namespace RecEngine.Api;

/// <summary><c>GET /v1/monitoring/drift</c>.</summary>
internal static class MonitoringApi
{
    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder app)
    {
        var monitoring = app.MapGroup("/v1/monitoring").WithTags("Monitoring");
        monitoring.MapGet("/drift", GetDrift).WithName("GetDrift")
            .WithSummary("The latest drift report and the recent ones (newest first).");
        return app;
    }

    /// <summary>The drift reports: <c>current</c> is null until a check has run against a reference profile.</summary>
    public sealed record DriftStatus(DriftReport? Current, IReadOnlyList<DriftReport> History);

    internal static Results<Ok<DriftStatus>, ValidationProblem> GetDrift(
        DriftMonitor monitor, int? history, CancellationToken cancellationToken)
    {
        var take = history ?? 10;
        if (take < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["history"] = ["must be zero or more."] });
        }

        var reports = monitor.History;
        return TypedResults.Ok(new DriftStatus(monitor.Current, reports.Take(take).ToArray()));
    }
}
