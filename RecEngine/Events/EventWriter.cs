using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecEngine.Hosting;

namespace RecEngine.Events;

/// <summary>
/// Group commit. Requests enqueue their validated batch into a bounded channel and wait; one writer
/// drains whatever is queued (up to <see cref="EventsOptions.MaxEventsPerCommit"/>), stores it in one
/// LiteDB transaction, tells the listeners, then completes every waiting request. A request is answered
/// only after its events are committed. A full queue is refused at once with <see cref="IngestionUnavailableException"/>.
/// </summary>
internal sealed partial class EventWriter : BackgroundService
{
    private readonly EventStore _store;
    private readonly IEventCommitListener[] _listeners;
    private readonly EventsOptions _options;
    private readonly ILogger<EventWriter> _logger;
    private readonly Channel<PendingWrite> _queue;
    private readonly TimeProvider _time;
    private long _pendingEvents;
    private long _commitStarted;
    private volatile bool _stopping;
    private volatile string? _lastFailure;

    public EventWriter(EventStore store, IEnumerable<IEventCommitListener> listeners, IOptions<EventsOptions> options, ILogger<EventWriter> logger, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _listeners = listeners.ToArray();
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Events queued and not yet committed.</summary>
    public long PendingEvents => Interlocked.Read(ref _pendingEvents);

    /// <summary>Commits so far and the duration of the last one (for metrics).</summary>
    public long Commits { get; private set; }

    public TimeSpan LastCommitDuration { get; private set; }

    /// <summary>
    /// Why the writer cannot take events now, or null when it can: not running, stopping, the last commit failed
    /// (until one succeeds), or a commit has been running longer than <see cref="EventsOptions.CommitTimeout"/>.
    /// </summary>
    public string? Unavailable
    {
        get
        {
            if (ExecuteTask is null)
            {
                return "the event writer has not started";
            }

            if (ExecuteTask.IsCompleted || _stopping)
            {
                return "the event writer has stopped";
            }

            var started = Interlocked.Read(ref _commitStarted);
            if (started != 0 && _time.GetElapsedTime(started) > _options.CommitTimeout)
            {
                return $"a commit has been running for more than {_options.CommitTimeout.TotalSeconds:0.#} s";
            }

            return _lastFailure is { } failure ? $"the last commit failed: {failure}" : null;
        }
    }

    /// <summary>Queues the events and completes when they are durably committed.</summary>
    /// <exception cref="IngestionUnavailableException">The queue is full or the writer is stopping.</exception>
    public Task<CommitResult> WriteAsync(IReadOnlyList<InteractionEvent> events)
    {
        if (_stopping)
        {
            throw new IngestionUnavailableException("The server is shutting down.");
        }

        if (events.Count == 0)
        {
            return Task.FromResult(new CommitResult(0, 0));
        }

        if (Interlocked.Add(ref _pendingEvents, events.Count) > _options.MaxPendingEvents && events.Count < _options.MaxPendingEvents)
        {
            Interlocked.Add(ref _pendingEvents, -events.Count);
            RecEngineMetrics.IngestRefused.Inc();
            throw new IngestionUnavailableException("The ingestion queue is full.");
        }

        var pending = new PendingWrite(events, new TaskCompletionSource<CommitResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _pendingEvents, -events.Count);
            RecEngineMetrics.IngestRefused.Inc();
            throw new IngestionUnavailableException(_stopping ? "The server is shutting down." : "The ingestion queue is full.");
        }

        return pending.Completion.Task;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop taking work, then let ExecuteAsync drain and commit what was already accepted.
        _stopping = true;
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var group = new List<PendingWrite>();
        var lastGroupRequests = 0;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            if (lastGroupRequests > 1 && !_stopping)
            {
                // Under concurrent load the clients answered by the last commit send their next batches almost
                // together: a millisecond's wait lets them share one commit instead of trickling into small ones.
                // A lone client (groups of one request) never waits.
                await Task.Delay(TimeSpan.FromMilliseconds(1), CancellationToken.None);
            }

            group.Clear();
            var count = 0;
            while (count < _options.MaxEventsPerCommit && reader.TryRead(out var pending))
            {
                group.Add(pending);
                count += pending.Events.Count;
            }

            CommitGroup(group, count);
            lastGroupRequests = group.Count;
        }
    }

    /// <summary>
    /// After a failed commit: tries one small durable write (a probe document, committed and flushed) serialised with
    /// the commits, and clears the failure if it succeeds, so readiness recovers without waiting for traffic.
    /// </summary>
    public bool TryRecover()
    {
        if (_lastFailure is null)
        {
            return true;
        }

        try
        {
            using (_store.EnterCommit())
            {
                _store.WriteProbe(_time.GetUtcNow().UtcDateTime);
                _store.Sync();
            }

            _lastFailure = null;
            return true;
        }
        catch (Exception ex)
        {
            _store.MarkFaulted(ex);
            _lastFailure = ex.Message;
            return false;
        }
    }

    /// <summary>Commits one group synchronously: LiteDB transactions belong to the calling thread.</summary>
    internal void CommitGroup(List<PendingWrite> group, int count)
    {
        using var span = RecEngineTracing.Source.StartActivity("ingest.commit");
        span?.SetTag("recengine.events", count);
        span?.SetTag("recengine.requests", group.Count);
        var started = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _commitStarted, _time.GetTimestamp());
        var results = new CommitResult[group.Count];
        var inserted = new List<InteractionEvent>(count);
        try
        {
            using (_store.EnterCommit())
            {
                if (!TryInsertAllNew(group, count, results, inserted))
                {
                    inserted.Clear();
                    InsertNewOnly(group, count, results, inserted);
                }

                // On stable storage before anyone hears of it or is answered: one fsync for the whole group.
                _store.Sync();
                Notify(inserted);
            }

            _lastFailure = null;
        }
        catch (Exception ex)
        {
            Interlocked.Exchange(ref _commitStarted, 0);
            _store.MarkFaulted(ex);
            _lastFailure = ex.Message;
            LogCommitFailed(ex, count);
            foreach (var pending in group)
            {
                pending.Completion.TrySetException(new IngestionUnavailableException("The event store could not commit the batch.", ex));
            }

            Interlocked.Add(ref _pendingEvents, -count);
            return;
        }

        Interlocked.Exchange(ref _commitStarted, 0);
        Commits++;
        LastCommitDuration = Stopwatch.GetElapsedTime(started);
        RecEngineMetrics.IngestCommitSeconds.Observe(LastCommitDuration.TotalSeconds);
        RecEngineMetrics.IngestEvents.WithLabels("stored").Inc(inserted.Count);
        RecEngineMetrics.IngestEvents.WithLabels("duplicate").Inc(count - inserted.Count);
        RecEngineMetrics.IngestQueueEvents.Set(PendingEvents);
        Interlocked.Add(ref _pendingEvents, -count);
        for (var g = 0; g < group.Count; g++)
        {
            group[g].Completion.TrySetResult(results[g]);
        }
    }

    /// <summary>
    /// Stores served slates (the impression log) in one transaction, on the calling thread, serialised with the event
    /// commits, and tells the commit listeners of their impressions as if they were stored events. A slate stored
    /// before (same request id: a retried write) is replaced, and its impressions are not told again. Returns the
    /// impressions newly logged.
    /// </summary>
    public int CommitSlates(IReadOnlyList<ServedSlateRecord> slates)
    {
        if (slates.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        var impressions = new List<InteractionEvent>();
        using (_store.EnterCommit())
        {
            var db = _store.Database;
            var col = _store.Slates;
            db.BeginTrans();
            try
            {
                foreach (var slate in slates)
                {
                    if (col.Upsert(slate))
                    {
                        impressions.AddRange(slate.Impressions());
                    }
                }

                db.Commit();
                _store.ThrowIfWritesFailed();
            }
            catch (Exception ex)
            {
                _store.MarkFaulted(ex);
                TryRollback(db);
                throw;
            }

            Notify(impressions);
        }

        RecEngineMetrics.IngestCommitSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return impressions.Count;
    }

    /// <summary>
    /// The common case, no event stored before: one bulk insert. Ids repeated inside the group count as duplicates.
    /// If any id is already stored LiteDB refuses the insert and rolls the transaction back; returns false then.
    /// </summary>
    private bool TryInsertAllNew(List<PendingWrite> group, int count, CommitResult[] results, List<InteractionEvent> inserted)
    {
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        for (var g = 0; g < group.Count; g++)
        {
            var before = inserted.Count;
            foreach (var ev in group[g].Events)
            {
                if (seen.Add(ev.EventId))
                {
                    inserted.Add(ev);
                }
            }

            var stored = inserted.Count - before;
            results[g] = new CommitResult(stored, group[g].Events.Count - stored);
        }

        var db = _store.Database;
        db.BeginTrans();
        try
        {
            _store.Events.InsertBulk(inserted);
            db.Commit();
            return true;
        }
        catch (LiteDB.LiteException ex) when (ex.ErrorCode == LiteDB.LiteException.INDEX_DUPLICATE_KEY)
        {
            db.Rollback();
            return false;
        }
        catch
        {
            TryRollback(db);
            throw;
        }
    }

    /// <summary>After a failed write LiteDB may have closed its engine, and a rollback then throws: keep the first error.</summary>
    private static void TryRollback(LiteDB.LiteDatabase db)
    {
        try
        {
            db.Rollback();
        }
        catch (Exception)
        {
            // The engine is closed; the transaction died with it (its pages never reached the log's commit).
        }
    }

    private void Notify(List<InteractionEvent> stored)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnCommitted(stored);
            }
            catch (Exception ex)
            {
                LogListenerFailed(ex, listener.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Retries present: insert only the ids not stored yet, never replacing a stored event (a retry may carry a
    /// different payload; the first one stored is the one kept). Within the group the first copy of an id wins.
    /// </summary>
    private void InsertNewOnly(List<PendingWrite> group, int count, CommitResult[] results, List<InteractionEvent> inserted)
    {
        var db = _store.Database;
        var col = _store.Events;
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        db.BeginTrans();
        try
        {
            for (var g = 0; g < group.Count; g++)
            {
                int stored = 0, duplicates = 0;
                foreach (var ev in group[g].Events)
                {
                    if (seen.Add(ev.EventId) && col.FindById(ev.EventId) is null)
                    {
                        col.Insert(ev);
                        inserted.Add(ev);
                        stored++;
                    }
                    else
                    {
                        duplicates++;
                    }
                }

                results[g] = new CommitResult(stored, duplicates);
            }

            db.Commit();
        }
        catch
        {
            TryRollback(db);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing {Count} events failed; their requests get 503")]
    private partial void LogCommitFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Commit listener {Listener} failed")]
    private partial void LogListenerFailed(Exception ex, string listener);

    internal sealed record PendingWrite(IReadOnlyList<InteractionEvent> Events, TaskCompletionSource<CommitResult> Completion);
}

/// <summary>How many events of a request were newly stored, and how many were already there.</summary>
internal sealed record CommitResult(int Accepted, int Duplicates);

/// <summary>Ingestion cannot take the request now; the API answers 503 with Retry-After.</summary>
internal sealed class IngestionUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
