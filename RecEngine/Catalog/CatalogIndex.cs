using System.Collections.Concurrent;

namespace RecEngine.Catalog;

/// <summary>
/// In-memory lookup of which users and videos exist (and each video's duration), so validating an
/// event batch never reads LiteDB per event. Loaded from the store on first use and kept current by
/// <see cref="CatalogService"/>.
/// </summary>
/// <remarks>
/// What was loaded is a plain dictionary that is never written again, read without locks; what changed since (puts and
/// removals) is a small concurrent overlay consulted first. At a million videos the plain dictionary holds 28 MB where
/// a concurrent one held 51 (a 40-byte node per entry). The overlay is folded in at the next reload
/// (<see cref="Invalidate"/>, after bulk writes).
/// </remarks>
internal sealed class CatalogIndex
{
    private readonly RecEngineStore _store;
    private readonly object _loadGate = new();
    private readonly object _writeGate = new();
    private volatile State? _state;

    public CatalogIndex(RecEngineStore store) => _store = store;

    public int VideoCount => Current.Videos.Count;

    public int UserCount => Current.Users.Count;

    private State Current
    {
        get
        {
            var state = _state;
            if (state is not null)
            {
                return state;
            }

            lock (_loadGate)
            {
                return _state ??= Load();
            }
        }
    }

    public bool TryGetVideoDuration(string videoId, out double durationSeconds)
    {
        var found = Current.Videos.TryGet(videoId, out var seconds);
        durationSeconds = seconds;
        return found;
    }

    public bool UserExists(string userId) => Current.Users.TryGet(userId, out _);

    /// <summary>
    /// The lookup's own instance of <paramref name="videoId"/> when the video is known, else <paramref name="videoId"/>:
    /// the serving snapshot and the user features hold that one copy of each id instead of their own (at a million
    /// videos, a copy of the ids is about 40 MB).
    /// </summary>
    public string InternVideoId(string videoId) => Current.Videos.Intern(videoId);

    /// <summary>Estimated managed bytes of the lookup (0 until first use): its tables and id strings, the strings averaged over a sample.</summary>
    public long EstimatedBytes
    {
        get
        {
            var state = _state;
            return state is null ? 0 : state.Videos.EstimatedBytes(sizeof(float)) + state.Users.EstimatedBytes(1);
        }
    }

    internal void Put(Video video)
    {
        lock (_writeGate)
        {
            Current.Videos.Put(video.Id, (float)video.DurationSeconds);
            FoldIfLarge();
        }
    }

    internal void Put(User user)
    {
        lock (_writeGate)
        {
            Current.Users.Put(user.Id, 0);
            FoldIfLarge();
        }
    }

    internal void RemoveVideo(string videoId)
    {
        lock (_writeGate)
        {
            Current.Videos.Remove(videoId);
            FoldIfLarge();
        }
    }

    internal void RemoveUser(string userId)
    {
        lock (_writeGate)
        {
            Current.Users.Remove(userId);
            FoldIfLarge();
        }
    }

    /// <summary>
    /// Folds an overlay that has grown past an eighth of what was loaded (or 4,096 changes) into a new plain dictionary,
    /// so a bulk import into a running server does not leave its videos in the concurrent table. Caller holds the
    /// write gate; readers of the old state keep a consistent view.
    /// </summary>
    private void FoldIfLarge()
    {
        var state = Current;
        if (state.Videos.NeedsFold || state.Users.NeedsFold)
        {
            lock (_loadGate)
            {
                if (ReferenceEquals(_state, state))
                {
                    _state = new State(state.Videos.NeedsFold ? state.Videos.Folded() : state.Videos, state.Users.NeedsFold ? state.Users.Folded() : state.Users);
                }
            }
        }
    }

    /// <summary>Drops the in-memory copy; the next lookup reloads it (after bulk writes).</summary>
    public void Invalidate()
    {
        lock (_loadGate)
        {
            _state = null;
        }
    }

    private State Load()
    {
        var durations = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var video in _store.VideosInIdOrder())
        {
            durations[video.Id] = (float)video.DurationSeconds;
        }

        var users = new Dictionary<string, byte>(StringComparer.Ordinal);
        using (var reader = _store.Database.Execute("SELECT $._id FROM users"))
        {
            while (reader.Read())
            {
                users[reader.Current["_id"].AsString] = 0;
            }
        }

        durations.TrimExcess();
        users.TrimExcess();
        return new State(new Layered<float>(durations), new Layered<byte>(users));
    }

    private sealed record State(Layered<float> Videos, Layered<byte> Users);

    /// <summary>A loaded dictionary, never written after construction, under an overlay of later puts and removals (writers serialised by the caller).</summary>
    private sealed class Layered<TValue>(Dictionary<string, TValue> loaded)
        where TValue : struct
    {
        private readonly ConcurrentDictionary<string, Change> _changes = new(StringComparer.Ordinal);
        private int _count = loaded.Count;

        public int Count => Volatile.Read(ref _count);

        public bool TryGet(string key, out TValue value)
        {
            if (_changes.TryGetValue(key, out var change))
            {
                value = change.Value;
                return change.Exists;
            }

            return loaded.TryGetValue(key, out value);
        }

        public string Intern(string key)
        {
            var changes = _changes.GetAlternateLookup<ReadOnlySpan<char>>();
            if (changes.TryGetValue(key.AsSpan(), out var changedKey, out var change))
            {
                return change.Exists ? changedKey : key;
            }

            var lookup = loaded.GetAlternateLookup<ReadOnlySpan<char>>();
            return lookup.TryGetValue(key.AsSpan(), out var shared, out _) ? shared : key;
        }

        public void Put(string key, TValue value)
        {
            if (!TryGet(key, out _))
            {
                Interlocked.Increment(ref _count);
            }

            // A re-put of a loaded key keeps the loaded string, so ids interned earlier stay the one copy.
            var lookup = loaded.GetAlternateLookup<ReadOnlySpan<char>>();
            _changes[lookup.TryGetValue(key.AsSpan(), out var shared, out _) ? shared : key] = new Change(true, value);
        }

        public void Remove(string key)
        {
            if (TryGet(key, out _))
            {
                Interlocked.Decrement(ref _count);
                _changes[key] = new Change(false, default);
            }
        }

        public bool NeedsFold => _changes.Count > Math.Max(4096, loaded.Count / 8);

        public Layered<TValue> Folded()
        {
            var merged = new Dictionary<string, TValue>(loaded, StringComparer.Ordinal);
            foreach (var (key, change) in _changes)
            {
                if (change.Exists)
                {
                    merged[key] = change.Value;
                }
                else
                {
                    merged.Remove(key);
                }
            }

            merged.TrimExcess();
            return new Layered<TValue>(merged);
        }

        public long EstimatedBytes(int valueBytes)
        {
            // Enumerating is lock-free; the concurrent dictionary's Keys property would lock it and copy every key.
            var sample = loaded.Keys.Take(1000).ToList();
            var perString = sample.Count == 0 ? 0 : sample.Average(k => (double)Hosting.ManagedSize.OfString(k));
            return Hosting.ManagedSize.HashTable(loaded.Count, 8 + 8 + valueBytes) + (long)(perString * loaded.Count)
                + Hosting.ManagedSize.ConcurrentTable(_changes.Count, 8 + 8 + valueBytes);
        }

        private readonly record struct Change(bool Exists, TValue Value);
    }
}
