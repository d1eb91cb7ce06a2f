using RecEngine.Hosting;
using LiteDB;
using RecEngine.Catalog;

namespace RecEngine.Events;

/// <summary>
/// The <c>events</c> collection: indexed by timestamp (window queries for training and monitoring) and
/// by user (history for features). <see cref="EnterConsistentRead"/> lets a reader build state that the
/// writer's commit listeners then keep current, without missing or double-counting a commit.
/// </summary>
internal sealed class EventStore : IDisposable
{
    public const string CollectionName = "events";

    public const string SlatesCollectionName = "slates";

    private readonly RecEngineStore _store;
    private readonly ReaderWriterLockSlim _commitLock = new(LockRecursionPolicy.NoRecursion);
    private volatile Lazy<ILiteCollection<InteractionEvent>> _events = null!;
    private volatile Lazy<ILiteCollection<ServedSlateRecord>> _slates = null!;

    public EventStore(RecEngineStore store)
    {
        _store = store;

        // Map InteractionEvent into the store's mapper now, on one thread: LiteDB 5 publishes an entity mapper before
        // filling in its members, so a query racing the first commit could fail with "Member Timestamp not found".
        store.Mapper.ToDocument(new InteractionEvent());
        store.Mapper.ToDocument(new ServedSlateRecord());
        CreateCollections();
        // After a storage fault the store reopens its files: collections of the closed engine must not be used again.
        store.Reopened += CreateCollections;
    }

    private void CreateCollections()
    {
        _events = new Lazy<ILiteCollection<InteractionEvent>>(() =>
        {
            var col = _store.Database.GetCollection<InteractionEvent>(CollectionName);
            col.EnsureIndex(e => e.Timestamp);
            col.EnsureIndex(e => e.UserId);
            return col;
        });
        _slates = new Lazy<ILiteCollection<ServedSlateRecord>>(() =>
        {
            var col = _store.Database.GetCollection<ServedSlateRecord>(SlatesCollectionName);
            col.EnsureIndex(s => s.Timestamp);
            col.EnsureIndex(s => s.UserId);
            return col;
        });
    }

    /// <summary>Stored events, without the impressions of served slates (those are in <see cref="Slates"/>).</summary>
    public ILiteCollection<InteractionEvent> Events => _events.Value;

    /// <summary>The server's impression log: one document per served slate.</summary>
    public ILiteCollection<ServedSlateRecord> Slates => _slates.Value;

    internal LiteDatabase Database => _store.Database;

    /// <summary>Whether the store is open and writable (no failed write since it was opened).</summary>
    public bool IsHealthy => _store.IsHealthy;

    /// <summary>Commits so far to stable storage (fsync), shared by every commit before it.</summary>
    internal void Sync() => _store.Sync();

    /// <summary>Throws if a write failed since the store opened (commits that are not flushed, such as the impression log).</summary>
    internal void ThrowIfWritesFailed() => _store.ThrowIfWritesFailed();

    /// <summary>Deletes up to <paramref name="limit"/> of the oldest events before <paramref name="cutoff"/>, in one flushed transaction taken in turn with the commits.</summary>
    internal int DeleteEventsBefore(DateTime cutoff, int limit)
    {
        using (EnterCommit())
        {
            var ids = Events.Query().Where(e => e.Timestamp < cutoff).OrderBy(e => e.Timestamp).Limit(limit).ToList().Select(e => e.EventId).ToList();
            return DeleteIds(Events, ids.Select(id => new BsonValue(id)));
        }
    }

    /// <summary>Deletes up to <paramref name="limit"/> of the oldest served slates before <paramref name="cutoff"/>.</summary>
    internal int DeleteSlatesBefore(DateTime cutoff, int limit)
    {
        using (EnterCommit())
        {
            var ids = Slates.Query().Where(s => s.Timestamp < cutoff).OrderBy(s => s.Timestamp).Limit(limit).ToList().Select(s => s.RequestId).ToList();
            return DeleteIds(Slates, ids.Select(id => new BsonValue(id)));
        }
    }

    /// <summary>
    /// Erases a user's events and served slates in one flushed transaction, taken in turn with the commits (so no
    /// commit is half seen). Returns how many events and slates were deleted.
    /// </summary>
    public (int Events, int Slates) DeleteUser(string userId)
    {
        using (EnterCommit())
        {
            var db = Database;
            db.BeginTrans();
            try
            {
                var deletedEvents = Events.DeleteMany(e => e.UserId == userId);
                var deletedSlates = Slates.DeleteMany(s => s.UserId == userId);
                db.Commit();
                Sync();
                return (deletedEvents, deletedSlates);
            }
            catch
            {
                db.Rollback();
                throw;
            }
        }
    }

    private int DeleteIds<T>(ILiteCollection<T> col, IEnumerable<BsonValue> ids)
    {
        var db = Database;
        var deleted = 0;
        db.BeginTrans();
        try
        {
            foreach (var id in ids)
            {
                deleted += col.Delete(id) ? 1 : 0;
            }

            db.Commit();
        }
        catch
        {
            db.Rollback();
            throw;
        }

        if (deleted > 0)
        {
            Sync();
        }

        return deleted;
    }

    /// <summary>One small committed write (the writer's recovery probe after a failed commit).</summary>
    internal void WriteProbe(DateTime at) =>
        Database.GetCollection("health").Upsert(new BsonDocument { ["_id"] = "write-probe", ["at"] = at });

    /// <summary>A commit failed: the store reopens its files on next use.</summary>
    internal void MarkFaulted(Exception ex)
    {
        if (ex is not StoreUnavailableException)
        {
            _store.MarkFaulted(ex);
        }
    }

    public long Count() => Events.LongCount();

    /// <summary>
    /// The newest events that retention never deletes and a training window always reaches back to hold (where the store
    /// has them): an imported history spanning years holds almost nothing in its last few calendar days.
    /// </summary>
    public const int WindowMinimumEvents = 1_000_000;

    /// <summary>
    /// The timestamp of the <paramref name="n"/>-th newest event at or before <paramref name="before"/> (1: the newest),
    /// or null when there are fewer. Walks the Timestamp index alone, newest first, in pages of
    /// <paramref name="pageSize"/> keys, each its own query. LiteDB reads no document for a query that names only its
    /// index's field, and holds every page a query touches in its cache until the query ends, a cache it never gives
    /// back (<see cref="RecEngineStore.CacheBytes"/>): one query skipping a million documents grew it by 360 MB at 1M
    /// (benchmarks/RESULTS.md). Should a whole page share one timestamp, its further ties are not counted, so the answer
    /// is then older than the exact one, never newer: retention keeps more, a window holds more.
    /// </summary>
    public DateTime? NthNewestTimestamp(int n, DateTime before, int pageSize = KeyPageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 2);
        var remaining = n;
        var page = LiteDB.Query.LTE(nameof(InteractionEvent.Timestamp), before);
        while (true)
        {
            var keys = Events.Query().Where(page).OrderByDescending(e => e.Timestamp).Select(e => e.Timestamp).Limit(pageSize).ToList();
            if (keys.Count >= remaining)
            {
                return keys[remaining - 1];
            }

            if (keys.Count < pageSize)
            {
                return null;
            }

            // The next page starts at the last key again, having counted only the keys newer than it.
            var last = keys[^1];
            var newer = keys.FindIndex(t => t == last);
            remaining -= newer > 0 ? newer : keys.Count;
            page = newer > 0
                ? LiteDB.Query.LTE(nameof(InteractionEvent.Timestamp), last)
                : LiteDB.Query.LT(nameof(InteractionEvent.Timestamp), last);
        }
    }

    /// <summary>
    /// Timestamps per query of <see cref="NthNewestTimestamp"/>. What LiteDB allocates for a query lives until it ends:
    /// at 10,000 keys a query, the collections during a million-key walk moved about 40 MB a pass into the oldest
    /// generation, and resident memory grew with every retention pass; at 1,000 it stayed flat (benchmarks/RESULTS.md).
    /// </summary>
    internal const int KeyPageSize = 1_000;

    /// <summary>A user's most recent events, newest first.</summary>
    public List<InteractionEvent> ForUser(string userId, int limit) =>
        Events.Query().Where(e => e.UserId == userId).OrderByDescending(e => e.Timestamp).Limit(limit).ToList();

    /// <summary>
    /// Events with <paramref name="fromUtc"/> &lt;= timestamp &lt; <paramref name="toUtc"/>, in time order, streamed,
    /// including the impressions of the served slates in that window (expanded, <see cref="ServedSlateRecord.Impressions"/>).
    /// At equal timestamps a slate's impressions come before the events, since outcomes follow what was shown. Read in
    /// pages that take turns with commits (<see cref="TimeOrderedPages{T}"/>), so a long window read by a background
    /// service never overlaps another LiteDB reader or a commit; don't enumerate it while holding
    /// <see cref="EnterConsistentRead"/>.
    /// </summary>
    public IEnumerable<InteractionEvent> InWindow(DateTime fromUtc, DateTime toUtc)
    {
        // Slates are a twentieth of the impressions they stand for: read them first, then stream the events past them.
        var slates = new TimeOrderedPages<ServedSlateRecord>(this, (from, limit) => SlatesBetween(from, toUtc, limit), s => s.Timestamp, s => s.RequestId, fromUtc, WindowPageSize).All().ToList();
        var events = new TimeOrderedPages<InteractionEvent>(this, (from, limit) => EventsBetween(from, toUtc, limit), e => e.Timestamp, e => e.EventId, fromUtc, WindowPageSize).All();
        return slates.Count == 0 ? events : Merge(slates, events);
    }

    /// <summary>Events per page of a window read: a few milliseconds of holding back commits.</summary>
    internal const int WindowPageSize = 1000;

    private List<InteractionEvent> EventsBetween(DateTime fromUtc, DateTime toUtc, int limit) =>
        toUtc <= fromUtc ? [] : Events.Query().Where(TimeRange(fromUtc, toUtc)).OrderBy(e => e.Timestamp).Limit(limit).ToList();

    private List<ServedSlateRecord> SlatesBetween(DateTime fromUtc, DateTime toUtc, int limit) =>
        toUtc <= fromUtc ? [] : Slates.Query().Where(TimeRange(fromUtc, toUtc)).OrderBy(s => s.Timestamp).Limit(limit).ToList();

    /// <summary>
    /// Timestamp in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>) as one range of the Timestamp index. LiteDB 5
    /// walks an index for one predicate and tests the others on each document it loads, so "&gt;= from &amp;&amp; &lt; to"
    /// loaded every document after <paramref name="toUtc"/> to reject it, in one query: a window that ended before a day of
    /// later slates read all of them, and left LiteDB's page cache 200 MB larger for good (benchmarks/RESULTS.md,
    /// Memory, 2026-12-06 22:03). Between is inclusive; the tick before <paramref name="toUtc"/> makes the end exclusive.
    /// </summary>
    internal static BsonExpression TimeRange(DateTime fromUtc, DateTime toUtc) =>
        Query.Between(nameof(InteractionEvent.Timestamp), fromUtc, toUtc.AddTicks(-1));

    /// <summary>Every event of the user, impressions of served slates included, in time order.</summary>
    public List<InteractionEvent> AllForUser(string userId)
    {
        var all = Events.Query().Where(e => e.UserId == userId).ToList();
        foreach (var slate in Slates.Query().Where(s => s.UserId == userId).ToEnumerable())
        {
            all.AddRange(slate.Impressions());
        }

        // Stable: events of equal time keep their stored order.
        return all.OrderBy(e => e.Timestamp).ToList();
    }

    /// <summary>Up to <paramref name="limit"/> stored events with timestamp &gt;= <paramref name="fromUtc"/>, oldest first: a page of a full scan.</summary>
    public List<InteractionEvent> EventsFrom(DateTime fromUtc, int limit) =>
        Events.Query().Where(e => e.Timestamp >= fromUtc).OrderBy(e => e.Timestamp).Limit(limit).ToList();

    /// <summary>Up to <paramref name="limit"/> served slates with timestamp &gt;= <paramref name="fromUtc"/>, oldest first.</summary>
    public List<ServedSlateRecord> SlatesFrom(DateTime fromUtc, int limit) =>
        Slates.Query().Where(s => s.Timestamp >= fromUtc).OrderBy(s => s.Timestamp).Limit(limit).ToList();

    private static IEnumerable<InteractionEvent> Merge(List<ServedSlateRecord> slates, IEnumerable<InteractionEvent> events)
    {
        var next = 0;
        foreach (var ev in events)
        {
            while (next < slates.Count && slates[next].Timestamp <= ev.Timestamp)
            {
                foreach (var impression in slates[next++].Impressions())
                {
                    yield return impression;
                }
            }

            yield return ev;
        }

        while (next < slates.Count)
        {
            foreach (var impression in slates[next++].Impressions())
            {
                yield return impression;
            }
        }
    }

    /// <summary>
    /// Bulk path (imports): one transaction, no listeners. Like the event writer it never rewrites: an id already
    /// stored (a re-run import) keeps its first payload, and within the batch the first copy wins. Returns the events
    /// newly stored.
    /// </summary>
    public int InsertNewBulk(IEnumerable<InteractionEvent> source)
    {
        var events = source as IReadOnlyList<InteractionEvent> ?? source.ToList();
        var db = Database;
        var seen = new HashSet<string>(events.Count, StringComparer.Ordinal);
        var inserted = 0;
        db.BeginTrans();
        try
        {
            foreach (var ev in events)
            {
                if (seen.Add(ev.EventId) && Events.FindById(ev.EventId) is null)
                {
                    Events.Insert(ev);
                    inserted++;
                }
            }

            db.Commit();
        }
        catch
        {
            db.Rollback();
            throw;
        }

        Sync();
        return inserted;
    }

    /// <summary>Held while reading state that commit listeners maintain; commits wait for it, and it waits for commits.</summary>
    public IDisposable EnterConsistentRead()
    {
        _commitLock.EnterReadLock();
        return new Releaser(_commitLock, write: false);
    }

    /// <summary>Like <see cref="EnterConsistentRead"/>, and excludes the other consistent readers too.</summary>
    public IDisposable EnterExclusiveRead() => EnterCommit();

    internal IDisposable EnterCommit()
    {
        _commitLock.EnterWriteLock();
        return new Releaser(_commitLock, write: true);
    }

    public void Dispose()
    {
        _store.Reopened -= CreateCollections;
        _commitLock.Dispose();
    }

    private sealed class Releaser(ReaderWriterLockSlim gate, bool write) : IDisposable
    {
        public void Dispose()
        {
            if (write)
            {
                gate.ExitWriteLock();
            }
            else
            {
                gate.ExitReadLock();
            }
        }
    }
}
