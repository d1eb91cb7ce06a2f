using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Events;

namespace RecEngine.Tests.Features;

public sealed class UserFeatureCacheTests : IDisposable
{
    private readonly TempEventStore _temp = new();

    private static InteractionEvent Watch(string id, string user, string video, DateTime at, double seconds = 10) =>
        new() { EventId = id, UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = seconds, Timestamp = at };

    [Fact]
    public void RecentWatchesAreNewestFirstAndCapped()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var builder = new UserFeatureBuilder("u");
        for (var i = 0; i < UserFeatures.MaxRecentWatches + 10; i++)
        {
            builder.Apply(Watch($"e{i}", "u", $"v{i}", t0.AddMinutes(i)));
        }

        // An out-of-order event lands in its place by time, not at the front.
        builder.Apply(Watch("late", "u", "vlate", t0.AddMinutes(UserFeatures.MaxRecentWatches + 5).AddSeconds(30)));
        var f = builder.Build();
        Assert.Equal(UserFeatures.MaxRecentWatches, f.RecentWatches.Count);
        Assert.Equal($"v{UserFeatures.MaxRecentWatches + 9}", f.RecentWatches[0].VideoId);
        Assert.Equal("vlate", f.RecentWatches[4].VideoId);
        Assert.True(f.RecentWatches.Zip(f.RecentWatches.Skip(1)).All(p => p.First.Timestamp >= p.Second.Timestamp));
        Assert.Equal(UserFeatures.MaxRecentWatches + 11, f.Watches);
        Assert.Contains("v0", f.Watched);
    }

    [Fact]
    public void PublishedFeaturesNeverChangeAndImpressionsShareTheUnchangedSets()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var builder = new UserFeatureBuilder("u");
        builder.Apply(Watch("e0", "u", "v0", t0));
        var first = builder.Build();

        builder.Apply(new InteractionEvent { EventId = "i1", UserId = "u", VideoId = "v1", Type = EventType.Impression, Timestamp = t0.AddMinutes(1) });
        var afterImpression = builder.Build();
        Assert.Equal(1, afterImpression.Impressions);
        Assert.Same(first.Watched, afterImpression.Watched);
        Assert.Same(first.RecentWatches, afterImpression.RecentWatches);
        Assert.Same(first.Hidden, afterImpression.Hidden);

        builder.Apply(Watch("e2", "u", "v2", t0.AddMinutes(2)));
        builder.Apply(new InteractionEvent { EventId = "h3", UserId = "u", VideoId = "v3", Type = EventType.Hide, Timestamp = t0.AddMinutes(3) });
        var afterWatch = builder.Build();
        Assert.Equal(["v0", "v2"], afterWatch.Watched.Order());
        Assert.Equal(["v3"], afterWatch.Hidden);
        Assert.Equal(2, afterWatch.RecentWatches.Count);

        // What was published before is untouched.
        Assert.Equal(["v0"], first.Watched);
        Assert.Empty(first.Hidden);
        Assert.Single(first.RecentWatches);
    }

    /// <summary>
    /// Readers load users while the writer commits and the cache evicts; afterwards every cached user must
    /// equal a fresh load from the store, so no commit was missed or applied twice.
    /// </summary>
    [Fact]
    public async Task ConcurrentLoadsAndCommitsNeverMissOrDoubleCount()
    {
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions { UserCacheCapacity = 16 }));
        var writer = new EventWriter(_temp.Events, [cache], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var users = Enumerable.Range(0, 24).Select(i => $"u{i}").ToArray();
        var t0 = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc); // whole milliseconds, as LiteDB stores them
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var rng = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                cache.Get(users[rng.Next(users.Length)]);
            }
        })).ToArray();

        var n = 0;
        for (var batch = 0; batch < 60; batch++)
        {
            var events = Enumerable.Range(0, 20).Select(_ =>
            {
                var i = n++;
                return Watch($"e{i}", users[i % users.Length], $"v{i % 7}", t0.AddMilliseconds(i), seconds: 1 + (i % 5));
            }).ToList();
            await writer.WriteAsync(events);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        await writer.StopAsync(CancellationToken.None);

        var fresh = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        foreach (var user in users)
        {
            var cached = cache.Get(user);
            var truth = fresh.Get(user);
            Assert.Equal(truth.Watches, cached.Watches);
            Assert.Equal(truth.WatchSeconds, cached.WatchSeconds);
            Assert.Equal(truth.RecentWatches, cached.RecentWatches);
        }

        Assert.Equal(n, users.Sum(u => fresh.Get(u).Watches));
    }

    public void Dispose() => _temp.Dispose();
}
