using Microsoft.Extensions.Options;
using RecEngine.Events;

namespace RecEngine.Serving.Impressions;

/// <summary>
/// Drains the <see cref="ImpressionQueue"/> every <see cref="ServingOptions.ImpressionFlushInterval"/> and writes the
/// slates as <c>impression</c> events through the ingestion writer, in batches: one group commit per tick instead of
/// one per request, and no request ever waits for it. Event ids are <c>{request_id}:{position}</c>, so a retried
/// write stores nothing twice; later watch events join by request id and video.
/// </summary>
public sealed partial class ImpressionWriter(
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
                await TickAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: this service stops before the event writer (registered later), so what is queued still gets written.
        await TickAsync();
    }

    /// <summary>One flush: writes everything queued, in writes of at most the configured number of events. Never throws.</summary>
    internal async Task<int> TickAsync()
    {
        var written = 0;
        try
        {
            List<InteractionEvent> batch;
            while ((batch = Drain()).Count > 0)
            {
                try
                {
                    await writer.WriteAsync(batch);
                    ServingMetrics.ImpressionsLogged.Inc(batch.Count);
                    written += batch.Count;
                }
                catch (IngestionUnavailableException ex)
                {
                    ServingMetrics.ImpressionsDropped.WithLabels("writer_refused").Inc(batch.Count);
                    LogRefused(batch.Count, ex.Message);
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            LogFailed(ex);
        }

        return written;
    }

    private List<InteractionEvent> Drain()
    {
        var max = options.Value.ImpressionMaxEventsPerWrite;
        var batch = new List<InteractionEvent>();
        while (batch.Count < max && queue.Reader.TryRead(out var slate))
        {
            for (var position = 0; position < slate.VideoIds.Count; position++)
            {
                batch.Add(new InteractionEvent
                {
                    EventId = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{slate.RequestId}:{position}"),
                    UserId = slate.UserId,
                    VideoId = slate.VideoIds[position],
                    Type = EventType.Impression,
                    Timestamp = slate.AtUtc,
                    Hour = slate.AtUtc.Hour,
                    RequestId = slate.RequestId,
                    Position = position,
                    ModelVersion = slate.ModelVersion,
                });
            }
        }

        return batch;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event writer refused {Count} impression events: {Reason}")]
    private partial void LogRefused(int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing impressions failed")]
    private partial void LogFailed(Exception ex);
}
