using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Cluster;

/// <summary>
/// A user's online features, keyed by user id: the silo that takes the user's request reads them here, and every
/// silo's event commits are applied here, so a watch posted to one silo moves the next slate on any other.
/// </summary>
internal interface IUserFeaturesGrain : IGrainWithStringKey
{
    /// <summary>The features, or null until the grain is seeded with the user's history.</summary>
    Task<UserFeaturesMessage?> Get();

    /// <summary>Builds the features from <paramref name="history"/> (the user's stored events) unless already seeded; returns them.</summary>
    Task<UserFeaturesMessage> Seed(UserEventMessage[] history);

    /// <summary>Applies newly committed events; before seeding they wait, and those the history already holds are dropped then.</summary>
    Task Apply(UserEventMessage[] events);
}

/// <summary>One interaction event, the fields the features read.</summary>
[GenerateSerializer, Immutable]
internal sealed record UserEventMessage(
    [property: Id(0)] string EventId, [property: Id(1)] string VideoId, [property: Id(2)] EventType Type, [property: Id(3)] double WatchSeconds, [property: Id(4)] DateTime Timestamp,
    [property: Id(5)] string? Device = null, [property: Id(6)] int Hour = 0)
{
    public static UserEventMessage Of(InteractionEvent ev) => new(ev.EventId, ev.VideoId, ev.Type, ev.WatchSeconds, ev.Timestamp, ev.Device, ev.Hour);

    public InteractionEvent ToEvent(string userId) => new() { EventId = EventId, UserId = userId, VideoId = VideoId, Type = Type, WatchSeconds = WatchSeconds, Timestamp = Timestamp, Device = Device, Hour = Hour };
}

/// <summary><see cref="UserFeatures"/> on the wire.</summary>
[GenerateSerializer, Immutable]
internal sealed record UserFeaturesMessage(
    [property: Id(0)] string UserId,
    [property: Id(1)] long[] Counts,
    [property: Id(2)] double WatchSeconds,
    [property: Id(3)] DateTime? LastEventAt,
    [property: Id(4)] string[] RecentVideoIds,
    [property: Id(5)] DateTime[] RecentTimestamps,
    [property: Id(6)] double[] RecentWatchSeconds,
    [property: Id(7)] string[] Watched,
    [property: Id(8)] string[] Hidden,
    [property: Id(9)] string? Device = null,
    [property: Id(10)] int? UtcOffsetHours = null)
{
    public static UserFeaturesMessage Of(UserFeatures f) => new(
        f.UserId,
        [f.Impressions, f.Clicks, f.Watches, f.Likes, f.Shares, f.Skips, f.Hides],
        f.WatchSeconds,
        f.LastEventAt,
        f.RecentWatches.Select(w => w.VideoId).ToArray(),
        f.RecentWatches.Select(w => w.Timestamp).ToArray(),
        f.RecentWatches.Select(w => w.WatchSeconds).ToArray(),
        f.Watched.ToArray(),
        f.Hidden.ToArray(),
        f.Device,
        f.UtcOffsetHours);

    public UserFeatures ToFeatures() => new()
    {
        UserId = UserId,
        Impressions = Counts[0],
        Clicks = Counts[1],
        Watches = Counts[2],
        Likes = Counts[3],
        Shares = Counts[4],
        Skips = Counts[5],
        Hides = Counts[6],
        WatchSeconds = WatchSeconds,
        LastEventAt = LastEventAt,
        RecentWatches = RecentVideoIds.Select((v, i) => new RecentWatch(v, RecentTimestamps[i], RecentWatchSeconds[i])).ToList(),
        Watched = Watched,
        Hidden = Hidden,
        Device = Device,
        UtcOffsetHours = UtcOffsetHours,
    };
}

/// <summary>
/// Holds the user's <see cref="UserFeatureBuilder"/> (the one the single process keeps per cached user). In memory:
/// when its silo leaves, the next request seeds it again from that silo's store.
/// </summary>
internal sealed class UserFeaturesGrain : Grain, IUserFeaturesGrain
{
    private UserFeatureBuilder? _builder;
    private UserFeaturesMessage? _features;
    private const int MaxEarlyEvents = UserFeatures.MaxWatched;

    private List<UserEventMessage>? _early;

    public Task<UserFeaturesMessage?> Get() => Task.FromResult(_features);

    public Task<UserFeaturesMessage> Seed(UserEventMessage[] history)
    {
        if (_features is not null)
        {
            return Task.FromResult(_features);
        }

        var userId = this.GetPrimaryKeyString();
        _builder = new UserFeatureBuilder(userId);
        foreach (var ev in history)
        {
            _builder.Apply(ev.ToEvent(userId));
        }

        if (_early is not null)
        {
            var seen = history.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
            foreach (var ev in _early.Where(e => !seen.Contains(e.EventId)).OrderBy(e => e.Timestamp))
            {
                _builder.Apply(ev.ToEvent(userId));
            }

            _early = null;
        }

        _features = UserFeaturesMessage.Of(_builder.Build());
        return Task.FromResult(_features);
    }

    public Task Apply(UserEventMessage[] events)
    {
        if (_builder is null)
        {
            // Bounded: a user who posts events and never asks for a slate keeps only the latest until seeded.
            _early ??= [];
            _early.AddRange(events);
            if (_early.Count > MaxEarlyEvents)
            {
                _early.RemoveRange(0, _early.Count - MaxEarlyEvents);
            }

            return Task.CompletedTask;
        }

        var userId = this.GetPrimaryKeyString();
        foreach (var ev in events)
        {
            _builder.Apply(ev.ToEvent(userId));
        }

        _features = UserFeaturesMessage.Of(_builder.Build());
        return Task.CompletedTask;
    }
}
