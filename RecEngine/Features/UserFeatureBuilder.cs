using RecEngine.Events;

namespace RecEngine.Features;

/// <summary>Folds events, in time order, into a user's features. Used when loading from the store and on each commit.</summary>
internal sealed class UserFeatureBuilder
{
    private readonly string _userId;
    private long _impressions, _clicks, _watches, _likes, _shares, _skips, _hides;
    private double _watchSeconds;
    private DateTime? _last;

    // Sessions seen per device (Catalog.User.Devices order), and the local hour's offset from UTC of the latest event.
    private int[]? _devices;
    private int _utcOffsetHours;

    // What the last Build published, and the one copy the builder keeps between commits: exact-size arrays, never
    // mutated once published. Most commits are impressions, which change only counters, so they share these with the
    // previous features. A watch or hide copies them into the mutable state below, which the next Build turns back
    // into arrays and drops: a cached user holds one array of recent watches and one of watched ids (8 bytes per id),
    // where a builder's set, its order queue and a published copy of the set held about 50.
    private RecentWatch[] _recent = [];
    private string[] _watched = [];
    private string[] _hidden = [];

    // Mutable state between a change and the next Build; null while nothing changed.
    private List<RecentWatch>? _recentEdit;
    private OrderedIds? _watchedEdit;
    private OrderedIds? _hiddenEdit;

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
                (_hiddenEdit ??= new OrderedIds(_hidden)).Add(VideoId(ev), int.MaxValue);
                break;
        }

        if (ev.Device is not null && Array.IndexOf(Catalog.User.Devices, ev.Device) is var device and >= 0)
        {
            (_devices ??= new int[Catalog.User.Devices.Length])[device]++;
        }

        if (_last is null || ev.Timestamp >= _last)
        {
            _last = ev.Timestamp;
            _utcOffsetHours = ((ev.Hour - ev.Timestamp.Hour) % 24 + 24) % 24;
        }
    }

    private void AddRecent(InteractionEvent ev)
    {
        var videoId = VideoId(ev);
        var recent = _recentEdit ??= new List<RecentWatch>(_recent);
        // Keep newest first even when events arrive slightly out of order (in order, the new watch goes first).
        var at = 0;
        while (at < recent.Count && recent[at].Timestamp > ev.Timestamp)
        {
            at++;
        }

        recent.Insert(at, new RecentWatch(videoId, ev.Timestamp, ev.WatchSeconds));
        if (recent.Count > UserFeatures.MaxRecentWatches)
        {
            recent.RemoveAt(recent.Count - 1);
        }

        (_watchedEdit ??= new OrderedIds(_watched)).Add(videoId, UserFeatures.MaxWatched);
    }

    private string VideoId(InteractionEvent ev) => _internVideoId?.Invoke(ev.VideoId) ?? ev.VideoId;

    public UserFeatures Build()
    {
        if (_recentEdit is not null)
        {
            _recent = [.. _recentEdit];
            _recentEdit = null;
        }

        if (_watchedEdit is not null)
        {
            _watched = _watchedEdit.ToArray();
            _watchedEdit = null;
        }

        if (_hiddenEdit is not null)
        {
            _hidden = _hiddenEdit.ToArray();
            _hiddenEdit = null;
        }

        return new()
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
            Device = UsualDevice(),
            UtcOffsetHours = _last is null ? null : _utcOffsetHours,
            RecentWatches = _recent,
            Watched = _watched,
            Hidden = _hidden,
        };
    }

    /// <summary>The device most of the user's events name (the first of <see cref="Catalog.User.Devices"/> on a tie), or null when none does.</summary>
    private string? UsualDevice()
    {
        if (_devices is null)
        {
            return null;
        }

        var best = 0;
        for (var d = 1; d < _devices.Length; d++)
        {
            best = _devices[d] > _devices[best] ? d : best;
        }

        return Catalog.User.Devices[best];
    }

    /// <summary>Distinct ids in the order first seen, the oldest dropped past a cap; lives only between a change and the next Build.</summary>
    private sealed class OrderedIds
    {
        private readonly HashSet<string> _set;
        private readonly List<string> _order;
        private int _start;

        public OrderedIds(string[] published)
        {
            _set = new HashSet<string>(published.Length + 4, StringComparer.Ordinal);
            _set.UnionWith(published);
            _order = new List<string>(published.Length + 4);
            _order.AddRange(published);
        }

        public void Add(string id, int cap)
        {
            if (!_set.Add(id))
            {
                return;
            }

            _order.Add(id);
            while (_set.Count > cap)
            {
                _set.Remove(_order[_start++]);
            }
        }

        public string[] ToArray()
        {
            var ids = new string[_order.Count - _start];
            _order.CopyTo(_start, ids, 0, ids.Length);
            return ids;
        }
    }
}
