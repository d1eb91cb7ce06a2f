using Microsoft.Extensions.Options;
using RecEngine.Events;

namespace RecEngine.Serving.Impressions;

/// <summary>
/// Drains the <see cref="ImpressionQueue"/> every <see cref="ServingOptions.ImpressionFlushInterval"/> and stores the
/// slates through the ingestion writer (<see cref="EventWriter.CommitSlates"/>): one document per slate, in one
/// transaction per tick, and no request ever waits for it. The commit listeners see each slate as impression events
/// with ids <c>{request_id}:{position}</c>; later watch events join by request id and video.
/// </summary>
internal sealed partial class ImpressionWriter(
    ImpressionQueue queue,
    EventWriter writer,
    IOptions<ServingOptions> options,
    TimeProvider time,
    ILogger<ImpressionWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ImpressionFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: this service stops before the event writer (registered later), so what is queued still gets written.
        Tick();
    }

    /// <summary>One flush: stores everything queued, in writes of at most the configured number of impressions. Never throws.</summary>
    internal int Tick()
    {
        var written = 0;
        List<ServedSlateRecord> batch;
        while ((batch = Drain()).Count > 0)
        {
            try
            {
                var logged = writer.CommitSlates(batch);
                ServingMetrics.ImpressionsLogged.Inc(logged);
                written += logged;
            }
            catch (Exception ex)
            {
                // The rest stays queued for the next tick; this batch is counted as lost.
                ServingMetrics.ImpressionsDropped.WithLabels("store_failed").Inc(batch.Sum(s => s.VideoIds.Length));
                LogFailed(ex);
                break;
            }
        }

        return written;
    }

    private List<ServedSlateRecord> Drain()
    {
        var max = options.Value.ImpressionMaxEventsPerWrite;
        var batch = new List<ServedSlateRecord>();
        var impressions = 0;
        while (impressions < max && queue.Reader.TryRead(out var slate))
        {
            batch.Add(slate);
            impressions += slate.VideoIds.Length;
        }

        return batch;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing served slates failed; they are not in the impression log")]
    private partial void LogFailed(Exception ex);
}
