using RecEngine.Events;

namespace RecEngine.Tests.Events;

/// <summary><see cref="EventStore.NthNewestTimestamp"/>: what retention keeps and how far back a training window reaches.</summary>
public sealed class NewestEventsTests : IDisposable
{
    // Whole milliseconds, as LiteDB stores them.
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TempEventStore _temp = new();

    private static InteractionEvent Watch(int i, DateTime at) =>
        new() { EventId = $"event-{i:D6}", UserId = $"user-with-a-longer-id-{i % 500:D4}", VideoId = $"video-with-a-longer-id-{i % 997:D4}", Type = EventType.Watch, WatchSeconds = 10, Timestamp = at };

    [Fact]
    public void The_nth_newest_counts_every_tie_across_pages_of_the_index()
    {
        // 60 timestamps with 1 to 6 events each (210 in all, in no particular order), read 7 keys a query: ties straddle
        // most page boundaries, and no page is all one timestamp.
        var times = Enumerable.Range(0, 60).SelectMany(s => Enumerable.Repeat(T0.AddSeconds(s * 37 % 60), 1 + (s * 5 % 6))).ToList();
        _temp.Events.InsertNewBulk(times.Select((t, i) => Watch(i, t)));
        var newestFirst = times.OrderDescending().ToList();
        var before = T0.AddSeconds(40);
        var upToBefore = newestFirst.Where(t => t <= before).ToList();

        foreach (var n in new[] { 1, 2, 7, 8, 13, 50, 150, 209, 210 })
        {
            Assert.Equal(newestFirst[n - 1], _temp.Events.NthNewestTimestamp(n, DateTime.MaxValue, pageSize: 7));
        }

        foreach (var n in new[] { 1, 9, 100, upToBefore.Count })
        {
            Assert.Equal(upToBefore[n - 1], _temp.Events.NthNewestTimestamp(n, before, pageSize: 7));
        }

        Assert.Null(_temp.Events.NthNewestTimestamp(211, DateTime.MaxValue, pageSize: 7));
        Assert.Null(_temp.Events.NthNewestTimestamp(upToBefore.Count + 1, before, pageSize: 7));
        Assert.Equal(newestFirst[149], _temp.Events.NthNewestTimestamp(150, DateTime.MaxValue));
    }

    [Fact]
    public void A_page_of_one_timestamp_gives_an_older_answer_never_a_newer_one()
    {
        // Ten events at the newest second, then one a second older for 20 seconds: a page of 4 keys sees only ties.
        _temp.Events.InsertNewBulk([
            .. Enumerable.Range(0, 10).Select(i => Watch(i, T0.AddSeconds(100))),
            .. Enumerable.Range(1, 20).Select(s => Watch(100 + s, T0.AddSeconds(100 - s)))]);

        Assert.Equal(T0.AddSeconds(100), _temp.Events.NthNewestTimestamp(4, DateTime.MaxValue, pageSize: 4));
        // Exact: the 12th newest is 2 s older than the ties; the ties past the first page are not counted.
        var answer = _temp.Events.NthNewestTimestamp(12, DateTime.MaxValue, pageSize: 4);
        Assert.Equal(T0.AddSeconds(100 - 2 - 6), answer);
        Assert.True(answer <= _temp.Events.NthNewestTimestamp(12, DateTime.MaxValue, pageSize: 100));
        Assert.Equal(T0.AddSeconds(98), _temp.Events.NthNewestTimestamp(12, DateTime.MaxValue, pageSize: 100));
    }

    [Fact]
    public void Finding_the_nth_newest_of_many_events_does_not_load_them()
    {
        // 30,000 events (about 8 MB of documents). Skipping the newest 25,000 by loading them, as one query with an
        // offset did, grew LiteDB's page cache by their size, for good (7.8 MB when this test was written; at 1M events,
        // 360 MB). Walking the Timestamp index alone, a page at a time, must grow it by less than 2 MB.
        _temp.Events.InsertNewBulk(Enumerable.Range(0, 30_000).Select(i => Watch(i, T0.AddSeconds(i))));
        _temp.Reopen();
        Assert.Equal(30_000, _temp.Events.Count());

        DateTime? nth = null;
        var grown = _temp.CacheGrowth(() => nth = _temp.Events.NthNewestTimestamp(25_000, DateTime.MaxValue));

        Assert.Equal(T0.AddSeconds(5_000), nth);
        Assert.True(grown < 2 << 20, $"LiteDB's page cache grew by {grown / 1048576.0:0.0} MB finding the 25,000th newest event: the walk loaded the documents.");
    }

    public void Dispose() => _temp.Dispose();
}
