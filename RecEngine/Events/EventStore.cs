using LiteDB;
using RecEngine.Catalog;

namespace RecEngine.Events;

/// <summary>
/// The <c>events</c> collection: indexed by timestamp (window queries for training and monitoring) and
/// by user (history for features). <see cref="EnterConsistentRead"/> lets a reader build state that the
/// writer's commit listeners then keep current, without missing or double-counting a commit.
/// </summary>
public sealed class EventStore : IDisposable
{
    public const string CollectionName = "events";

    private readonly RecEngineStore _store;
    private readonly ReaderWriterLockSlim _commitLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lazy<ILiteCollection<InteractionEvent>> _events;

    // LiteDB's BsonMapper publishes an entity's mapper before filling in its members, so two threads mapping a type
    // for the first time race ("Member Timestamp not found on BsonMapper"); map it once, before any query.
    static EventStore() => RecEngineStore.MapUpFront(typeof(InteractionEvent));

    public EventStore(RecEngineStore store)
    {
        _store = store;
        _events = new Lazy<ILiteCollection<InteractionEvent>>(() =>
        {
            var col = _store.Database.GetCollection<InteractionEvent>(CollectionName);
            col.EnsureIndex(e => e.Timestamp);
            col.EnsureIndex(e => e.UserId);
            return col;
        });
    }

    public ILiteCollection<InteractionEvent> Events => _events.Value;

    internal LiteDatabase Database => _store.Database;

    public long Count() => Events.LongCount();

    /// <summary>A user's most recent events, newest first.</summary>
    public List<InteractionEvent> ForUser(string userId, int limit) =>
        Events.Query().Where(e => e.UserId == userId).OrderByDescending(e => e.Timestamp).Limit(limit).ToList();

    /// <summary>Events with <paramref name="fromUtc"/> &lt;= timestamp &lt; <paramref name="toUtc"/>, in time order, streamed.</summary>
    public IEnumerable<InteractionEvent> InWindow(DateTime fromUtc, DateTime toUtc) =>
        Events.Query().Where(e => e.Timestamp >= fromUtc && e.Timestamp < toUtc).OrderBy(e => e.Timestamp).ToEnumerable();

    /// <summary>Bulk path (generators, imports): one transaction, no listeners. Existing ids are replaced.</summary>
    public int UpsertBulk(IEnumerable<InteractionEvent> events) => Events.Upsert(events);

    /// <summary>Held while reading state that commit listeners maintain; commits wait for it, and it waits for commits.</summary>
    public IDisposable EnterConsistentRead()
    {
        _commitLock.EnterReadLock();
        return new Releaser(_commitLock, write: false);
    }

    internal IDisposable EnterCommit()
    {
        _commitLock.EnterWriteLock();
        return new Releaser(_commitLock, write: true);
    }

    public void Dispose() => _commitLock.Dispose();

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
