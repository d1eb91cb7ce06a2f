using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Tests.Events;

/// <summary>The impression log: one stored document per served slate, read everywhere as one impression event per position.</summary>
public sealed class ServedSlateLogTests : IDisposable
{
    // Whole milliseconds, as LiteDB stores them.
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TempEventStore _temp = new();

    private static ServedSlateRecord Slate(string requestId, string user, DateTime at, params string[] videos) =>
        new() { RequestId = requestId, UserId = user, ModelVersion = "v1", Timestamp = at, Hour = at.Hour, VideoIds = videos, Scores = videos.Select((_, i) => 1f - (0.1f * i)).ToArray() };

    private static InteractionEvent Watch(string id, string user, string video, DateTime at, string? requestId = null) =>
        new() { EventId = id, UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = 10, Timestamp = at, RequestId = requestId };

    [Fact]
    public async Task WindowReadsMergeSlateImpressionsWithEventsInTimeOrder()
    {
        var writer = new EventWriter(_temp.Events, [], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync([Watch("w0", "u1", "a", T0.AddSeconds(1)), Watch("w1", "u1", "b", T0.AddSeconds(5), "r1"), Watch("w2", "u2", "c", T0.AddSeconds(30))]);
        writer.CommitSlates([Slate("r1", "u1", T0.AddSeconds(2), "b", "d"), Slate("r2", "u2", T0.AddSeconds(20), "c"), Slate("r3", "u2", T0.AddSeconds(40), "e")]);
        await writer.StopAsync(CancellationToken.None);

        // Three slate documents, not six impression events, are stored.
        Assert.Equal(3, _temp.Events.Slates.Count());
        Assert.Equal(3, _temp.Events.Events.Count());

        var all = _temp.Events.InWindow(T0, T0.AddMinutes(1)).ToList();
        Assert.Equal(["w0", "r1:0", "r1:1", "w1", "r2:0", "w2", "r3:0"], all.Select(e => e.EventId));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
        var second = all.Single(e => e.EventId == "r1:1");
        Assert.Equal((EventType.Impression, "u1", "d", 1, "r1", "v1"), (second.Type, second.UserId, second.VideoId, second.Position!.Value, second.RequestId, second.ModelVersion));

        // The window bounds apply to slates as to events.
        Assert.Equal(["r2:0", "w2"], _temp.Events.InWindow(T0.AddSeconds(10), T0.AddSeconds(35)).Select(e => e.EventId));
    }

    [Fact]
    public void AWindowLongerThanAPageReturnsEveryEventOnceInOrderAcrossRunsOfEqualTimestamps()
    {
        // Runs of equal timestamps that straddle page boundaries, one of them longer than a page.
        var page = EventStore.WindowPageSize;
        var times = new List<DateTime>();
        times.AddRange(Enumerable.Repeat(T0.AddSeconds(1), page - 3));
        times.AddRange(Enumerable.Repeat(T0.AddSeconds(2), (2 * page) + 7));
        times.AddRange(Enumerable.Range(0, page / 2).Select(i => T0.AddSeconds(3 + (i / 7))));
        times.Add(T0.AddMinutes(5)); // outside the window
        _temp.Events.InsertNewBulk(times.Select((t, i) => Watch($"e{i:D5}", $"u{i % 13}", $"v{i % 17}", t)));
        _temp.Events.Events.Insert(new InteractionEvent { EventId = "before", UserId = "u0", VideoId = "v0", Type = EventType.Watch, Timestamp = T0.AddSeconds(-1) });
        var slates = Enumerable.Range(0, page + 5).Select(i => Slate($"r{i:D5}", "u1", T0.AddSeconds(2), "a")).ToList();
        foreach (var chunk in slates.Chunk(500))
        {
            _temp.Events.Slates.Insert(chunk);
        }

        var window = _temp.Events.InWindow(T0, T0.AddMinutes(1)).ToList();

        var expectedEvents = times.Select((t, i) => (t, i)).Where(x => x.t < T0.AddMinutes(1)).Select(x => $"e{x.i:D5}").ToHashSet();
        Assert.Equal(expectedEvents.Count + slates.Count, window.Count);
        Assert.Equal(window.Count, window.Select(e => e.EventId).Distinct().Count());
        Assert.True(expectedEvents.SetEquals(window.Where(e => e.Type == EventType.Watch).Select(e => e.EventId)));
        Assert.Equal(slates.Count, window.Count(e => e.Type == EventType.Impression));
        Assert.True(window.Zip(window.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    [Fact]
    public async Task AWindowIsReadOnlyWhileNoCommitOrOtherExclusiveReaderHoldsTheStore()
    {
        _temp.Events.InsertNewBulk(Enumerable.Range(0, 10).Select(i => Watch($"e{i}", "u1", "a", T0.AddSeconds(i))));
        // The lock is thread-affine: one thread holds it until told to let go.
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using (_temp.Events.EnterExclusiveRead())
            {
                held.Set();
                release.Wait();
            }
        });
        holder.Start();
        held.Wait();

        // Another thread's window read must wait for the holder: LiteDB 5.0.x readers overlapping a commit or another reader can read garbage.
        var read = Task.Run(() => _temp.Events.InWindow(T0, T0.AddMinutes(1)).Count());
        await Task.Delay(300);
        Assert.False(read.IsCompleted);
        release.Set();
        holder.Join();

        Assert.Equal(10, await read.WaitAsync(TimeSpan.FromSeconds(30)));

        // Between pages nothing is held: a commit goes through while a read is paused half way.
        using var paused = _temp.Events.InWindow(T0, T0.AddMinutes(1)).GetEnumerator();
        Assert.True(paused.MoveNext());
        var commit = Task.Run(() => { using (_temp.Events.EnterExclusiveRead()) { return true; } });
        Assert.True(await commit.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void ListenersSeeEachSlatesImpressionsOnceAndARetriedSlateIsStoredOnce()
    {
        var seen = new List<InteractionEvent>();
        var writer = new EventWriter(_temp.Events, [new Recording(seen)], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);

        Assert.Equal(3, writer.CommitSlates([Slate("r1", "u1", T0, "a", "b"), Slate("r2", "u2", T0, "c")]));
        Assert.Equal(0, writer.CommitSlates([Slate("r1", "u1", T0, "a", "b")]));

        Assert.Equal(["r1:0", "r1:1", "r2:0"], seen.Select(e => e.EventId));
        Assert.All(seen, e => Assert.Equal(EventType.Impression, e.Type));
        Assert.Equal(2, _temp.Events.Slates.Count());
    }

    [Fact]
    public async Task AUsersFeaturesCountTheImpressionsOfTheirSlatesWhetherCachedOrLoaded()
    {
        var cache = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions()));
        var writer = new EventWriter(_temp.Events, [cache], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync([Watch("w0", "u1", "a", T0)]);
        Assert.Equal(0, cache.Get("u1").Impressions);

        writer.CommitSlates([Slate("r1", "u1", T0.AddSeconds(1), "b", "c", "d"), Slate("r2", "u2", T0.AddSeconds(1), "e")]);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(3, cache.Get("u1").Impressions);
        var loaded = new UserFeatureCache(_temp.Events, Options.Create(new FeaturesOptions())).Get("u1");
        Assert.Equal(3, loaded.Impressions);
        Assert.Equal(1, loaded.Watches);
        Assert.Equal(4, _temp.Events.AllForUser("u1").Count);
    }

    [Fact]
    public void A_window_that_ends_before_a_long_tail_of_later_slates_does_not_load_them()
    {
        // 20,000 slates (about 20 MB) served after the window, one event and one slate in it. The read must walk the index
        // over the window only: loading the tail to reject it grew LiteDB's page cache by its size, for good.
        var writer = new EventWriter(_temp.Events, [], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        writer.CommitSlates([Slate("in", "u1", T0.AddSeconds(5), "a", "b")]);
        var videos = Enumerable.Range(0, 20).Select(v => $"video-with-a-longer-id-{v:D4}").ToArray();
        for (var batch = 0; batch < 20; batch++)
        {
            writer.CommitSlates([.. Enumerable.Range(0, 1000).Select(i => Slate($"late-{batch}-{i}", $"u{i}", T0.AddHours(2).AddSeconds((batch * 1000) + i), videos))]);
        }

        _temp.Events.InsertNewBulk([Watch("w0", "u1", "a", T0.AddSeconds(6))]);
        _temp.Reopen();
        Assert.Equal(20_001, _temp.Events.Slates.Count());

        List<string> window = [];
        var grown = _temp.CacheGrowth(() => window = [.. _temp.Events.InWindow(T0, T0.AddHours(1)).Select(e => e.EventId)]);

        Assert.Equal(["in:0", "in:1", "w0"], window);
        Assert.True(grown < 4 << 20, $"LiteDB's page cache grew by {grown / 1048576.0:0.0} MB reading a window of three events: the read loaded the slates after it.");
    }

    public void Dispose() => _temp.Dispose();

    private sealed class Recording(List<InteractionEvent> seen) : IEventCommitListener
    {
        public void OnCommitted(IReadOnlyList<InteractionEvent> events) => seen.AddRange(events);
    }
}
