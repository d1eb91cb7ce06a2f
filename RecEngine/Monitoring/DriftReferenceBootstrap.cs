using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Monitoring;

/// <summary>
/// Until the model registry stores a reference profile with each version, the live window is compared with the
/// last day of stored events before the server started. Built in the background, so start-up does not wait, and after
/// the user-feature warm-up (which follows the model's load): start-up's full scans of the store run one at a time,
/// because LiteDB 5.0.x readers racing each other on a store larger than its page cache can read garbage (LiteDB issue
/// 2817; at a million videos the two scans together once failed the model's load).
/// </summary>
internal sealed partial class DriftReferenceBootstrap(
    EventStore events,
    InMemoryDriftDataSource source,
    UserFeatureWarmup userFeatures,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<DriftReferenceBootstrap> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await userFeatures.Completed.WaitAsync(stoppingToken);
            await Task.Run(() => Build(), stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex);
        }
    }

    /// <summary>Sets the reference from the day of events before the newest one; false when there are none or one is set.</summary>
    internal bool Build()
    {
        if (source.Reference is not null)
        {
            return false;
        }

        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault();
        if (newest is null)
        {
            return false;
        }

        var end = newest.Timestamp.AddMilliseconds(1);
        var reference = EventDriftFeatures.Reference(events.InWindow(end - Window, end), $"events-{end:yyyyMMdd}", time.GetUtcNow(), options.Value);
        reference = reference with { Features = reference.Features.Select(f => f with { Origin = ReferenceOrigin.StoredEvents }).ToList() };
        source.SetReference(reference);
        LogBuilt(reference.ModelVersion, reference.Features.Count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift reference {Version} built from stored events: {Features} features")]
    private partial void LogBuilt(string version, int features);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building the drift reference from stored events failed; drift checks wait for a reference")]
    private partial void LogFailed(Exception ex);
}
