using Microsoft.Extensions.Options;

namespace RecEngine.Events;

/// <summary>
/// Deletes stored events and served slates older than <see cref="EventsOptions.Retention"/> before the newest stored
/// event, except the newest <see cref="EventsOptions.RetentionKeepsNewest"/> events (which training's window reaches
/// back for: an imported history keeps a million events however old), every
/// <see cref="EventsOptions.RetentionInterval"/>. In batches, each its own transaction taken in turn with the commits,
/// so ingestion waits at most one batch. The lifecycle's options check that the retention covers the training window.
/// </summary>
internal sealed partial class EventRetention(EventStore store, IOptions<EventsOptions> options, TimeProvider time, ILogger<EventRetention> logger) : BackgroundService
{
    /// <summary>Documents deleted per transaction.</summary>
    internal const int BatchSize = 2000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.Retention <= TimeSpan.Zero)
        {
            return;
        }

        // The first pass one interval after start, not at start: the model load and the user-feature warm-up read the
        // store then, and LiteDB 5 readers racing each other on a large store can read garbage (LiteDB issue 2817).
        using var timer = new PeriodicTimer(o.RetentionInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                RunOnce();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>One pass: deletes what is older than the retention; returns the events and slates deleted.</summary>
    internal (long Events, long Slates) RunOnce()
    {
        // Relative to the newest stored event, as the training window is: an imported history (MovieLens from the
        // 1990s) keeps its window however old it is.
        var now = time.GetUtcNow().UtcDateTime;
        DateTime cutoff;
        DateTime? eventCutoff = null;
        using (store.EnterExclusiveRead())
        {
            var newest = store.Events.Query().Where(e => e.Timestamp <= now).OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp;
            if (newest is null)
            {
                return (0, 0);
            }

            cutoff = newest.Value - options.Value.Retention;
            var oldest = store.Events.Query().OrderBy(e => e.Timestamp).Limit(1).First().Timestamp;
            // The newest RetentionKeepsNewest events stay whatever their age: training reaches back for them. Finding the
            // oldest of them walks that many index keys, so only when some event is older than the cutoff.
            if (oldest < cutoff)
            {
                var keep = options.Value.RetentionKeepsNewest;
                // Null when the store holds no more events than it keeps: none is deleted.
                var keptFrom = keep == 0 ? DateTime.MaxValue : store.NthNewestTimestamp(keep, now);
                if (keptFrom is { } k)
                {
                    eventCutoff = k < cutoff ? k : cutoff;
                }
            }
        }

        long events = 0, slates = 0;
        int deleted;
        if (eventCutoff is { } c)
        {
            do
            {
                deleted = store.DeleteEventsBefore(c, BatchSize);
                events += deleted;
            }
            while (deleted == BatchSize);
        }

        do
        {
            deleted = store.DeleteSlatesBefore(cutoff, BatchSize);
            slates += deleted;
        }
        while (deleted == BatchSize);

        if (events + slates > 0)
        {
            LogDeleted(events, slates, cutoff);
        }

        return (events, slates);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Events} events and {Slates} served slates from before {Cutoff:u}")]
    private partial void LogDeleted(long events, long slates, DateTime cutoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention pass failed; the next one retries")]
    private partial void LogFailed(Exception ex);
}
