using BenchmarkDotNet.Attributes;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Benchmarks.Events;

/// <summary>
/// The timestamp of the millionth newest event, as retention asks every hour (under the commit lock) and a training
/// window asks before it reads: the Timestamp index walked alone, a page of keys at a time
/// (<see cref="EventStore.NthNewestTimestamp"/>), against the one query that skipped the newest documents by offset.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class NewestEventsBenchmarks
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private string _dir = "";
    private RecEngineStore? _store;
    private EventStore? _events;

    [Params(1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "recengine-bdn-" + Guid.NewGuid().ToString("N"));
        _store = new RecEngineStore(new DataDirectory(_dir));
        _events = new EventStore(_store);
        // A fifth more events than asked for, a few a second, as a live store holds them.
        var total = N + (N / 5);
        for (var from = 0; from < total; from += 50_000)
        {
            _events.InsertNewBulk(Enumerable.Range(from, Math.Min(50_000, total - from)).Select(i => new InteractionEvent
            {
                EventId = $"bench-{i:D8}", UserId = $"user-{i % 100_000:D6}", VideoId = $"video-{i * 7 % 1_000_000:D7}",
                Type = i % 3 == 0 ? EventType.Watch : EventType.Impression, WatchSeconds = i % 3 == 0 ? 45 : 0,
                Timestamp = T0.AddMilliseconds(i * 250L), Device = "mobile",
            }));
        }
    }

    [Benchmark(Baseline = true, Description = "one query, offset past the newest documents")]
    public DateTime? OneQueryWithOffset() =>
        _events!.Events.Query().Where(LiteDB.Query.LTE(nameof(InteractionEvent.Timestamp), DateTime.MaxValue))
            .OrderByDescending(e => e.Timestamp).Offset(N - 1).Limit(1).FirstOrDefault()?.Timestamp;

    [Benchmark(Description = "the Timestamp index alone, a page of keys a query")]
    public DateTime? IndexWalk() => _events!.NthNewestTimestamp(N, DateTime.MaxValue);

    [GlobalCleanup]
    public void Cleanup()
    {
        _events?.Dispose();
        _store?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
