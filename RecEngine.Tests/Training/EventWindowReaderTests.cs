using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Training;

namespace RecEngine.Tests.Training;

public sealed class EventWindowReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Slices_read_at_once_give_exactly_the_window_in_time_order()
    {
        using var store = new RecEngineStore(new DataDirectory(_root));
        using var events = new EventStore(store);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(3);
        // Uneven times (some on slice boundaries, some before and after the window), stored out of order.
        var all = Enumerable.Range(0, 3_000)
            .Select(i => new InteractionEvent
            {
                EventId = $"e{i}", UserId = $"u{i % 7}", VideoId = $"v{i % 11}", Type = EventType.Watch,
                Timestamp = i % 500 == 0 ? start.AddHours(12 * (i / 500)) : start.AddMinutes(random.Next(-60, (3 * 24 * 60) + 60)),
            })
            .OrderBy(_ => random.Next())
            .ToList();
        events.UpsertBulk(all);
        var end = start.AddDays(3);

        var expected = events.InWindow(start, end).Select(e => e.EventId).ToList();
        foreach (var threads in new[] { 1, 2, 5 })
        {
            var read = EventWindowReader.Read(events, start, end, threads, progress: null, CancellationToken.None);
            Assert.Equal(expected, read.Select(e => e.EventId));
            Assert.True(read.Zip(read.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
        }

        Assert.Equal(all.Count(e => e.Timestamp >= start && e.Timestamp < end), expected.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
