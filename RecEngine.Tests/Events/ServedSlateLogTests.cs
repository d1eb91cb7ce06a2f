using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;

namespace RecEngine.Tests.Events;

/// <summary>The impression log: one stored document per served slate, read everywhere as one impression event per position.</summary>
public sealed class ServedSlateLogTests : IDisposable
{
    // Whole milliseconds, as LiteDB stores them.
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly DataDirectory _dir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));
    private readonly RecEngineStore _store;
    private readonly EventStore _events;

    public ServedSlateLogTests()
    {
        _store = new RecEngineStore(_dir);
        _events = new EventStore(_store);
    }

    private static ServedSlateRecord Slate(string requestId, string user, DateTime at, params string[] videos) =>
        new() { RequestId = requestId, UserId = user, ModelVersion = "v1", Timestamp = at, Hour = at.Hour, VideoIds = videos, Scores = videos.Select((_, i) => 1f - (0.1f * i)).ToArray() };

    private static InteractionEvent Watch(string id, string user, string video, DateTime at, string? requestId = null) =>
        new() { EventId = id, UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = 10, Timestamp = at, RequestId = requestId };

    [Fact]
    public async Task WindowReadsMergeSlateImpressionsWithEventsInTimeOrder()
    {
        var writer = new EventWriter(_events, [], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync([Watch("w0", "u1", "a", T0.AddSeconds(1)), Watch("w1", "u1", "b", T0.AddSeconds(5), "r1"), Watch("w2", "u2", "c", T0.AddSeconds(30))]);
        writer.CommitSlates([Slate("r1", "u1", T0.AddSeconds(2), "b", "d"), Slate("r2", "u2", T0.AddSeconds(20), "c"), Slate("r3", "u2", T0.AddSeconds(40), "e")]);
        await writer.StopAsync(CancellationToken.None);

        // Three slate documents, not six impression events, are stored.
        Assert.Equal(3, _events.Slates.Count());
        Assert.Equal(3, _events.Events.Count());

        var all = _events.InWindow(T0, T0.AddMinutes(1)).ToList();
        Assert.Equal(["w0", "r1:0", "r1:1", "w1", "r2:0", "w2", "r3:0"], all.Select(e => e.EventId));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
        var second = all.Single(e => e.EventId == "r1:1");
        Assert.Equal((EventType.Impression, "u1", "d", 1, "r1", "v1"), (second.Type, second.UserId, second.VideoId, second.Position!.Value, second.RequestId, second.ModelVersion));

        // The window bounds apply to slates as to events.
        Assert.Equal(["r2:0", "w2"], _events.InWindow(T0.AddSeconds(10), T0.AddSeconds(35)).Select(e => e.EventId));
    }

    [Fact]
    public void ListenersSeeEachSlatesImpressionsOnceAndARetriedSlateIsStoredOnce()
    {
        var seen = new List<InteractionEvent>();
        var writer = new EventWriter(_events, [new Recording(seen)], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);

        Assert.Equal(3, writer.CommitSlates([Slate("r1", "u1", T0, "a", "b"), Slate("r2", "u2", T0, "c")]));
        Assert.Equal(0, writer.CommitSlates([Slate("r1", "u1", T0, "a", "b")]));

        Assert.Equal(["r1:0", "r1:1", "r2:0"], seen.Select(e => e.EventId));
        Assert.All(seen, e => Assert.Equal(EventType.Impression, e.Type));
        Assert.Equal(2, _events.Slates.Count());
    }

    [Fact]
    public async Task AUsersFeaturesCountTheImpressionsOfTheirSlatesWhetherCachedOrLoaded()
    {
        var cache = new UserFeatureCache(_events, Options.Create(new FeaturesOptions()));
        var writer = new EventWriter(_events, [cache], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        await writer.WriteAsync([Watch("w0", "u1", "a", T0)]);
        Assert.Equal(0, cache.Get("u1").Impressions);

        writer.CommitSlates([Slate("r1", "u1", T0.AddSeconds(1), "b", "c", "d"), Slate("r2", "u2", T0.AddSeconds(1), "e")]);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(3, cache.Get("u1").Impressions);
        var loaded = new UserFeatureCache(_events, Options.Create(new FeaturesOptions())).Get("u1");
        Assert.Equal(3, loaded.Impressions);
        Assert.Equal(1, loaded.Watches);
        Assert.Equal(4, _events.AllForUser("u1").Count);
    }

    public void Dispose()
    {
        _events.Dispose();
        _store.Dispose();
        try
        {
            Directory.Delete(_dir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Recording(List<InteractionEvent> seen) : IEventCommitListener
    {
        public void OnCommitted(IReadOnlyList<InteractionEvent> events) => seen.AddRange(events);
    }
}
