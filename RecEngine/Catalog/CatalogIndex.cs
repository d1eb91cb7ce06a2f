using System.Collections.Concurrent;

namespace RecEngine.Catalog;

/// <summary>
/// In-memory lookup of which users and videos exist (and each video's duration), so validating an
/// event batch never reads LiteDB per event. Loaded from the store on first use and kept current by
/// <see cref="CatalogService"/>.
/// </summary>
internal sealed class CatalogIndex
{
    private readonly RecEngineStore _store;
    private readonly object _loadGate = new();
    private volatile State? _state;

    public CatalogIndex(RecEngineStore store) => _store = store;

    public int VideoCount => Current.Durations.Count;

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
        var found = Current.Durations.TryGetValue(videoId, out var seconds);
        durationSeconds = seconds;
        return found;
    }

    public bool UserExists(string userId) => Current.Users.ContainsKey(userId);

    /// <summary>
    /// The lookup's own instance of <paramref name="videoId"/> when the video is known, else <paramref name="videoId"/>:
    /// the serving snapshot and the user features hold that one copy of each id instead of their own (at a million
    /// videos, a copy of the ids is about 40 MB).
    /// </summary>
    public string InternVideoId(string videoId)
    {
        var lookup = Current.Durations.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(videoId.AsSpan(), out var shared, out _) ? shared : videoId;
    }

    /// <summary>Estimated managed bytes of the lookup (0 until first use): its nodes, buckets and id strings, the strings averaged over a sample.</summary>
    public long EstimatedBytes
    {
        get
        {
            var state = _state;
            // Enumerating the dictionaries is lock-free; their Keys property would lock them and copy every key.
            return state is null ? 0 : Estimate(state.Durations.Select(kv => kv.Key), state.Durations.Count, 4) + Estimate(state.Users.Select(kv => kv.Key), state.Users.Count, 1);
        }
    }

    private static long Estimate(IEnumerable<string> keys, int count, int valueBytes)
    {
        var sample = keys.Take(1000).ToList();
        var perString = sample.Count == 0 ? 0 : sample.Average(k => (double)Hosting.ManagedSize.OfString(k));
        return Hosting.ManagedSize.ConcurrentTable(count, 8 + valueBytes) + (long)(perString * count);
    }

    internal void Put(Video video) => Current.Durations[video.Id] = (float)video.DurationSeconds;

    internal void Put(User user) => Current.Users[user.Id] = 0;

    internal void RemoveVideo(string videoId) => Current.Durations.TryRemove(videoId, out _);

    internal void RemoveUser(string userId) => Current.Users.TryRemove(userId, out _);

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
        var durations = new ConcurrentDictionary<string, float>(StringComparer.Ordinal);
        foreach (var video in _store.VideosInIdOrder())
        {
            durations[video.Id] = (float)video.DurationSeconds;
        }

        var users = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        using (var reader = _store.Database.Execute("SELECT $._id FROM users"))
        {
            while (reader.Read())
            {
                users[reader.Current["_id"].AsString] = 0;
            }
        }

        return new State(durations, users);
    }

    private sealed record State(ConcurrentDictionary<string, float> Durations, ConcurrentDictionary<string, byte> Users);
}
