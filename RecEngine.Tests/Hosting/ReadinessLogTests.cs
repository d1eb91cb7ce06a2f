using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class ReadinessLogTests
{
    [Fact]
    public void Readiness_is_logged_when_it_changes_not_at_every_poll()
    {
        var logger = new ListLogger();
        var log = new ReadinessLog(logger);
        var warming = Report(("model", HealthStatus.Unhealthy, "no model version is loaded"), ("store", HealthStatus.Healthy, null));
        var users = Report(("model", HealthStatus.Unhealthy, "users warming"), ("store", HealthStatus.Healthy, null));
        var ready = Report(("model", HealthStatus.Healthy, "model version v1 is loaded and warmed"), ("store", HealthStatus.Healthy, null));

        for (var poll = 0; poll < 80; poll++)
        {
            log.Observe(warming, Missing(warming));
        }

        Assert.True(log.Observe(users, Missing(users)));
        Assert.False(log.Observe(users, Missing(users)));
        Assert.True(log.Observe(ready, Missing(ready)));
        Assert.False(log.Observe(ready, Missing(ready)));

        Assert.Equal(
            [
                (LogLevel.Warning, "Not ready: model: no model version is loaded"),
                (LogLevel.Warning, "Not ready: model: users warming"),
                (LogLevel.Information, "Ready: model: model version v1 is loaded and warmed; store: healthy"),
            ],
            logger.Lines);
    }

    [Fact]
    public void Losing_readiness_is_a_warning_with_the_checks_exception()
    {
        var logger = new ListLogger();
        var log = new ReadinessLog(logger);
        var ready = Report(("store", HealthStatus.Healthy, "open"));
        var broken = new HealthReport(
            new Dictionary<string, HealthReportEntry> { ["store"] = new(HealthStatus.Unhealthy, "the store is reopening", TimeSpan.Zero, new IOException("disk full"), null) },
            TimeSpan.Zero);

        log.Observe(ready, Missing(ready));
        log.Observe(broken, Missing(broken));

        Assert.Equal((LogLevel.Warning, "Not ready: store: the store is reopening"), logger.Lines[^1]);
        Assert.IsType<IOException>(logger.LastException);
    }

    private static HealthReport Report(params (string Name, HealthStatus Status, string? Description)[] checks) => new(
        checks.ToDictionary(c => c.Name, c => new HealthReportEntry(c.Status, c.Description, TimeSpan.Zero, null, null)),
        TimeSpan.Zero);

    private static List<string> Missing(HealthReport report) =>
        report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}").ToList();

    private sealed class ListLogger : ILogger<ReadinessLog>
    {
        public List<(LogLevel, string)> Lines { get; } = [];

        public Exception? LastException { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Lines.Add((logLevel, formatter(state, exception)));
            LastException = exception;
        }
    }
}
