using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RecEngine.Events;

namespace RecEngine.Features;

/// <summary>
/// Bounded cache of <see cref="UserFeatures"/>. A miss loads the user's events from LiteDB (the source of
/// truth); each commit updates the users already cached. Loading and committing exclude each other through
/// <see cref="EventStore.EnterConsistentRead"/>, so no event is missed or counted twice. At start a warm-up
/// (<see cref="UserFeatureWarmup"/>) fills the cache from one scan of the store, so the request path does not pay
/// a LiteDB query per user it has not seen since start.
/// </summary>
internal sealed class UserFeatureCache : IEventCommitListener, IUserFeatureSource
{
    private readonly EventStore _events;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _evictGate = new();
    private readonly Lock _loadGate = new();
    private long _clock;
    private volatile UserFeatureWarmState? _warming;

    // Set when the warm-up cached every user the store has events for: a miss is then a user without events, answered
    // without a query, and commits add new users themselves. Cleared for good by the first eviction.
    private volatile bool _complete;

    private readonly Func<string, string>? _internVideoId;

    /// <param name="catalog">When given, video ids are held as the catalog lookup's own strings (one copy per video).</param>
    public UserFeatureCache(EventStore events, IOptions<FeaturesOptions> options, Catalog.CatalogIndex? catalog = null)
    {
        _events = events;
        _capacity = options.Value.UserCacheCapacity;
        _internVideoId = catalog is null ? null : catalog.InternVideoId;
    }

    public int Count => _entries.Count;

    public int Capacity => _capacity;

    /// <summary>The user's features; a user with no events gets empty ones.</summary>
    public UserFeatures Get(string userId)
    {
        if (_entries.TryGetValue(userId, out var entry))
        {
            entry.LastUsed = Interlocked.Increment(ref _clock);
            return entry.Features;
        }

        if (_complete)
        {
            return new UserFeatures { UserId = userId };
        }

        // One on-demand load at a time: LiteDB 5.0.x readers racing each other on a store larger than its page cache
        // can read garbage (LiteDB issue 2817), and after the warm-up a miss is rare enough not to need the concurrency.
        lock (_loadGate)
        {
            using (_events.EnterConsistentRead())
            {
                entry = _entries.GetOrAdd(userId, Load);
            }
        }

        entry.LastUsed = Interlocked.Increment(ref _clock);
        EvictIfFull();
        return entry.Features;
    }

    public void OnCommitted(IReadOnlyList<InteractionEvent> events)
    {
        _warming?.Told(events);
        if (_complete)
        {
            // Commits run one at a time, so nothing else adds these users meanwhile.
            foreach (var ev in events)
            {
                if (!_entries.ContainsKey(ev.UserId))
                {
                    var builder = new UserFeatureBuilder(ev.UserId, _internVideoId);
                    _entries[ev.UserId] = new Entry(builder) { Features = builder.Build(), LastUsed = Interlocked.Increment(ref _clock) };
                }
            }
        }

        foreach (var ev in events)
        {
            if (_entries.TryGetValue(ev.UserId, out var entry))
            {
                lock (entry)
                {
                    entry.Builder.Apply(ev);
                    entry.Dirty = true;
                }
            }
        }

        foreach (var ev in events)
        {
            if (_entries.TryGetValue(ev.UserId, out var entry) && entry.Dirty)
            {
                lock (entry)
                {
                    entry.Features = entry.Builder.Build();
                    entry.Dirty = false;
                }
            }
        }

        // Users added by this commit count against the capacity as users loaded by requests do.
        EvictIfFull();
    }

    /// <summary>
    /// Drops a user's cached features after their events were erased. Excludes loads, commits and the warm-up scan,
    /// so a load racing it has either finished (and is dropped here) or starts after (and finds no events).
    /// </summary>
    public void Forget(string userId)
    {
        using (_events.EnterExclusiveRead())
        {
            _warming?.Forget(userId);
            _entries.TryRemove(userId, out _);
        }
    }

    /// <summary>The features of every cached user, at this moment.</summary>
    public IEnumerable<UserFeatures> Cached() => _entries.Values.Select(e => e.Features);

    /// <summary>Starts a warm-up: from now on every commit is also told to the returned state.</summary>
    internal UserFeatureWarmState BeginWarmUp()
    {
        // Under the read lock no commit is half done: each one is either stored before (the scan will find it) or
        // made after this line (told to the state).
        using (_events.EnterConsistentRead())
        {
            var warm = new UserFeatureWarmState(_internVideoId);
            _warming = warm;
            return warm;
        }
    }

    /// <summary>
    /// Publishes what the warm-up built: users not already cached (a request may have loaded one meanwhile, and
    /// commits have kept it current), the most recently active first, up to the capacity. Returns how many.
    /// </summary>
    internal int CompleteWarmUp(UserFeatureWarmState warm)
    {
        using (_events.EnterConsistentRead())
        {
            _warming = null;
            var room = _capacity - _entries.Count;
            var published = 0;
            foreach (var builder in warm.Builders.Values.OrderByDescending(b => b.LastEventAt ?? DateTime.MinValue))
            {
                if (published >= room)
                {
                    break;
                }

                if (_entries.TryAdd(builder.UserId, new Entry(builder) { Features = builder.Build() }))
                {
                    published++;
                }
            }

            _complete = _entries.Count <= _capacity && warm.Builders.Keys.All(_entries.ContainsKey);
            return published;
        }
    }

    /// <summary>Stops telling commits to an unfinished warm-up (cancelled, or failed); the cache keeps loading on demand.</summary>
    internal void AbandonWarmUp() => _warming = null;

    private Entry Load(string userId)
    {
        var builder = new UserFeatureBuilder(userId, _internVideoId);
        foreach (var ev in _events.AllForUser(userId))
        {
            builder.Apply(ev);
        }

        return new Entry(builder) { Features = builder.Build() };
    }

    private void EvictIfFull()
    {
        if (_entries.Count <= _capacity)
        {
            return;
        }

        // Wait for an eviction running on another thread rather than skip ours: the capacity holds after every add.
        Monitor.Enter(_evictGate);
        try
        {
            if (_entries.Count <= _capacity)
            {
                return;
            }

            // Drop the least recently used tenth in one pass, so the O(n) scan is rare.
            _complete = false;
            var excess = _entries.Count - _capacity + (_capacity / 10);
            // ToArray is ConcurrentDictionary's own snapshot; LINQ over the live dictionary races with writers.
            foreach (var (key, _) in _entries.ToArray().OrderBy(e => e.Value.LastUsed).Take(excess))
            {
                _entries.TryRemove(key, out _);
            }
        }
        finally
        {
            Monitor.Exit(_evictGate);
        }
    }

    /// <summary>
    /// Estimated managed bytes of the cached users, from a sample of up to 1,000 entries: per user the entry, the builder
    /// and the published features, which share their arrays (recent watches as 24-byte structs, watched and hidden ids
    /// as references). The video ids are the catalog lookup's interned strings, counted there.
    /// </summary>
    public long EstimatedBytes
    {
        get
        {
            var count = _entries.Count;
            var sample = _entries.Take(1000).Select(e => e.Value.Features).Where(f => f is not null).ToList();
            if (count == 0 || sample.Count == 0)
            {
                return 0;
            }

            var perUser = sample.Average(f => 420.0 + Hosting.ManagedSize.OfString(f.UserId)
                + Hosting.ManagedSize.OfArray(f.RecentWatches.Count, 24)
                + Hosting.ManagedSize.OfArray(f.Watched.Count, 8)
                + Hosting.ManagedSize.OfArray(f.Hidden.Count, 8));
            return Hosting.ManagedSize.ConcurrentTable(count, 16) + (long)(perUser * count);
        }
    }

    private sealed class Entry(UserFeatureBuilder builder)
    {
        public UserFeatureBuilder Builder { get; } = builder;

        public volatile UserFeatures Features = null!;

        public bool Dirty;

        public long LastUsed;
    }
}
