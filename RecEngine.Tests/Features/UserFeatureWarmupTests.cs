using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Events;

namespace RecEngine.Tests.Features;

public sealed class UserFeatureWarmupTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc); // whole milliseconds, as LiteDB stores them

    private readonly TempEventStore _temp = new();
    private readonly string[] _users = Enumerable.Range(0, 12).Select(i => $"u{i}").ToArray();

    /// <summary>
    /// Events and served slates are stored, the warm-up scans in pages of 3 (so many pages end inside a run of equal
    /// timestamps), and the writer keeps committing meanwhile, old and new timestamps alike. Every user the warm-up
    /// published must equal a fresh load from the store: nothing missed, nothing counted twice.
    /// </summary>
    [Fact]
    public async Task WarmedFeaturesEqualFreshLoadsWhileCommitsContinue()
    {
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        var writer = new EventWriter(_temp.Events, [cache], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var n = 0;
        for (var batch = 0; batch < 10; batch++)
        {
            await writer.WriteAsync(Batch(ref n, sameTime: batch % 3 == 0));
        }

        writer.CommitSlates(Enumerable.Range(0, 6).Select(i => new ServedSlateRecord
        {
            RequestId = $"r{i}",
            UserId = _users[i % _users.Length],
            Timestamp = T0.AddMinutes(i),
            VideoIds = ["v1", "v2", "v3"],
        }).ToList());

        var warmup = new UserFeatureWarmup(cache, _temp.Events, Options.Create(new FeaturesOptions { WarmUpPageSize = 3, WarmUpNice = 0 }), NullLogger<UserFeatureWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        warmup.Begin();
        // At most 30 batches, so no user passes the 50 recent watches (which of two equal-time watches is cut is arbitrary).
        for (var batch = 0; batch < 30 && !warmup.Completed.IsCompleted; batch++)
        {
            await writer.WriteAsync(Batch(ref n, sameTime: n % 2 == 0));
        }

        var published = await warmup.Completed;
        await writer.StopAsync(CancellationToken.None);
        await warmup.StopAsync(CancellationToken.None);

        Assert.Equal(_users.Length, published);
        Assert.Equal(_users.Length, cache.Count);
        var fresh = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        foreach (var user in _users)
        {
            var warmed = cache.Get(user);
            var truth = fresh.Get(user);
            Assert.Equal(truth.Watches, warmed.Watches);
            Assert.Equal(truth.Impressions, warmed.Impressions);
            Assert.Equal(truth.WatchSeconds, warmed.WatchSeconds);
            // Watches at equal times may be listed in either order.
            Assert.Equal(ByTime(truth.RecentWatches), ByTime(warmed.RecentWatches));
            Assert.Equal(truth.Watched.Order(), warmed.Watched.Order());
            Assert.Equal(truth.LastEventAt, warmed.LastEventAt);
        }

        Assert.Equal(n, _users.Sum(u => fresh.Get(u).Watches));
        Assert.Equal(18, _users.Sum(u => fresh.Get(u).Impressions));
    }

    /// <summary>
    /// Once the warm-up has cached every user with events, a miss needs no query: it is a user without events. A user's
    /// first events then arrive only by commit, so the commit must add them.
    /// </summary>
    [Fact]
    public async Task AfterACompleteWarmUpCommitsAddNewUsers()
    {
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        var writer = new EventWriter(_temp.Events, [cache], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync([Watch("e0", "u0", "v1", T0), Watch("e1", "u1", "v2", T0)]);
        var warmup = new UserFeatureWarmup(cache, _temp.Events, Options.Create(new FeaturesOptions { WarmUpNice = 0 }), NullLogger<UserFeatureWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        warmup.Begin();
        Assert.Equal(2, await warmup.Completed);

        Assert.Equal(0, cache.Get("newcomer").Watches);
        await writer.WriteAsync([Watch("e2", "newcomer", "v3", T0.AddMinutes(1)), Watch("e3", "newcomer", "v4", T0.AddMinutes(2))]);
        await writer.StopAsync(CancellationToken.None);
        await warmup.StopAsync(CancellationToken.None);

        var features = cache.Get("newcomer");
        Assert.Equal(2, features.Watches);
        Assert.Equal("v4", features.RecentWatches[0].VideoId);
        Assert.Equal(1, cache.Get("u0").Watches);
    }

    [Fact]
    public async Task GivesUpPastTwiceTheCapacityAndUsersStillLoadOnDemand()
    {
        _temp.Events.InsertNewBulk(Enumerable.Range(0, 40).Select(i => Watch($"e{i}", $"u{i}", "v1", T0.AddSeconds(i))));
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions { UserCacheCapacity = 16 }));
        var warmup = new UserFeatureWarmup(cache, _temp.Events, Options.Create(new FeaturesOptions { UserCacheCapacity = 16, WarmUpPageSize = 5, WarmUpNice = 0 }), NullLogger<UserFeatureWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        warmup.Begin();

        Assert.Equal(0, await warmup.Completed);
        Assert.Equal(0, cache.Count);
        Assert.Equal(1, cache.Get("u39").Watches);
        await warmup.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WaitsForBeginAndStopsCleanlyWithoutIt()
    {
        _temp.Events.InsertNewBulk([Watch("e0", "u0", "v1", T0)]);
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        var warmup = new UserFeatureWarmup(cache, _temp.Events, Options.Create(new FeaturesOptions()), NullLogger<UserFeatureWarmup>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        await Task.Delay(50);

        Assert.False(warmup.Completed.IsCompleted);
        Assert.Equal(0, cache.Count);
        await warmup.StopAsync(CancellationToken.None);
        Assert.Equal(0, await warmup.Completed);
    }

    private List<InteractionEvent> Batch(ref int n, bool sameTime)
    {
        var events = new List<InteractionEvent>(8);
        for (var j = 0; j < 8; j++)
        {
            var i = n++;
            // Alternate batches at one shared timestamp with spread ones, early and late in time.
            var at = sameTime ? T0.AddMinutes(i % 4) : T0.AddSeconds((i * 37) % 600);
            events.Add(Watch($"e{i}", _users[i % _users.Length], $"v{i % 9}", at, seconds: 1 + (i % 5)));
        }

        return events;
    }

    private static List<RecentWatch> ByTime(IEnumerable<RecentWatch> watches) =>
        watches.OrderByDescending(w => w.Timestamp).ThenBy(w => w.VideoId, StringComparer.Ordinal).ThenBy(w => w.WatchSeconds).ToList();

    private static InteractionEvent Watch(string id, string user, string video, DateTime at, double seconds = 10) =>
        new() { EventId = id, UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = seconds, Timestamp = at };

    public void Dispose() => _temp.Dispose();
}
