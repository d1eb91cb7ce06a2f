using RecEngine.Events;

namespace RecEngine.Features;

/// <summary>Folds events, in time order, into a user's features. Used when loading from the store and on each commit.</summary>
internal sealed class UserFeatureBuilder
{
    private readonly string _userId;
    // Newest first; structs inline (a linked list held a node and a record object per watch: 88 bytes against 24).
    private readonly List<RecentWatch> _recent = new(4);
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly Queue<string> _watchedOrder = new();
    private readonly HashSet<string> _hidden = new(StringComparer.Ordinal);
    private long _impressions, _clicks, _watches, _likes, _shares, _skips, _hides;
    private double _watchSeconds;
    private DateTime? _last;

    // What the last Build published. Most commits are impressions, which change only counters, so the watch list and
    // the sets are shared with the previous features until a watch or hide changes them (they are never mutated once
    // published); otherwise every impression commit would copy up to MaxWatched ids per user.
    private RecentWatch[]? _builtRecent;
    private HashSet<string>? _builtWatched;
    private HashSet<string>? _builtHidden;

    private readonly Func<string, string>? _internVideoId;

    /// <param name="internVideoId">Maps a video id to the one shared instance of that string (<c>CatalogIndex.InternVideoId</c>), or null to keep the event's.</param>
    public UserFeatureBuilder(string userId, Func<string, string>? internVideoId = null)
    {
        _userId = userId;
        _internVideoId = internVideoId;
    }

    public string UserId => _userId;

    public DateTime? LastEventAt => _last;

    public void Apply(InteractionEvent ev)
    {
        switch (ev.Type)
        {
            case EventType.Impression: _impressions++; break;
            case EventType.Click: _clicks++; break;
            case EventType.Watch:
                _watches++;
                _watchSeconds += ev.WatchSeconds;
                AddRecent(ev);
                break;
            case EventType.Like: _likes++; break;
            case EventType.Share: _shares++; break;
            case EventType.Skip: _skips++; break;
            case EventType.Hide:
                _hides++;
                if (_hidden.Add(VideoId(ev)))
                {
                    _builtHidden = null;
                }

                break;
        }

        if (_last is null || ev.Timestamp > _last)
        {
            _last = ev.Timestamp;
        }
    }

    private void AddRecent(InteractionEvent ev)
    {
        _builtRecent = null;
        _builtWatched = null;
        var videoId = VideoId(ev);
        var watch = new RecentWatch(videoId, ev.Timestamp, ev.WatchSeconds);
        // Keep newest first even when events arrive slightly out of order (in order, the new watch goes first).
        var at = 0;
        while (at < _recent.Count && _recent[at].Timestamp > ev.Timestamp)
        {
            at++;
        }

        _recent.Insert(at, watch);
        if (_recent.Count > UserFeatures.MaxRecentWatches)
        {
            _recent.RemoveAt(_recent.Count - 1);
        }

        if (_watched.Add(videoId))
        {
            _watchedOrder.Enqueue(videoId);
            while (_watched.Count > UserFeatures.MaxWatched)
            {
                _watched.Remove(_watchedOrder.Dequeue());
            }
        }
    }

    private string VideoId(InteractionEvent ev) => _internVideoId?.Invoke(ev.VideoId) ?? ev.VideoId;

    public UserFeatures Build() => new()
    {
        UserId = _userId,
        Impressions = _impressions,
        Clicks = _clicks,
        Watches = _watches,
        WatchSeconds = _watchSeconds,
        Likes = _likes,
        Shares = _shares,
        Skips = _skips,
        Hides = _hides,
        LastEventAt = _last,
        RecentWatches = _builtRecent ??= _recent.ToArray(),
        Watched = _builtWatched ??= new HashSet<string>(_watched, StringComparer.Ordinal),
        Hidden = _builtHidden ??= new HashSet<string>(_hidden, StringComparer.Ordinal),
    };
}
