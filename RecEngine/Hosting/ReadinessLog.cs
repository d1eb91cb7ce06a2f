using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RecEngine.Hosting;

/// <summary>
/// Logs readiness when it changes, not at every poll. The health-check service logs each unhealthy check at error
/// level on every request to <c>/health/ready</c>, so a poller watching a large catalog warm up filled the log with
/// errors about a start-up going as planned. That logger is silenced
/// (<see cref="ServiceDefaults"/>); this one writes a line when the server becomes ready (information), when it stops
/// being ready or what is missing changes (warning, naming each check that is not healthy).
/// </summary>
internal sealed partial class ReadinessLog(ILogger<ReadinessLog> logger)
{
    /// <summary>The category whose per-poll lines this replaces.</summary>
    public const string HealthCheckCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    private readonly Lock _gate = new();
    private string? _last;

    /// <summary>Logs the report when its status or its list of what is missing differs from the last one seen; true when it did.</summary>
    public bool Observe(HealthReport report, IReadOnlyList<string> missing)
    {
        var key = report.Status == HealthStatus.Healthy ? "ready" : string.Join('\n', missing);
        lock (_gate)
        {
            if (key == _last)
            {
                return false;
            }

            _last = key;
        }

        if (report.Status == HealthStatus.Healthy)
        {
            LogReady(string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description ?? "healthy"}")));
        }
        else
        {
            var error = report.Entries.Values.Select(e => e.Exception).OfType<Exception>().FirstOrDefault();
            LogNotReady(error, string.Join("; ", missing));
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready: {Checks}")]
    private partial void LogReady(string checks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not ready: {Missing}")]
    private partial void LogNotReady(Exception? ex, string missing);
}
