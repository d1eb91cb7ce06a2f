using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Benchmarks.Events;

/// <summary>Validating one 1,000-event batch against an in-memory catalog index (the per-request CPU cost before the writer).</summary>
[MemoryDiagnoser]
public class EventValidatorBenchmarks
{
    private string _dir = "";
    private RecEngineStore? _store;
    private EventValidator? _validator;
    private EventInput?[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "recengine-bdn-" + Guid.NewGuid().ToString("N"));
        _store = new RecEngineStore(new DataDirectory(_dir));
        var index = new CatalogIndex(_store);
        var catalog = new CatalogService(_store, index);
        var epoch = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        catalog.UpsertUsers(Enumerable.Range(0, 1000).Select(i => new User { Id = $"u{i}", Country = "US", Device = "mobile", SignedUpAt = epoch }));
        catalog.UpsertVideos(Enumerable.Range(0, 1000).Select(i => new Video
        {
            Id = $"v{i}", Title = "t", Category = "c", CreatorId = "c", DurationSeconds = 120, UploadedAt = epoch,
        }));
        _validator = new EventValidator(index, TimeProvider.System, Options.Create(new EventsOptions()));
        _batch = Enumerable.Range(0, 1000).Select(i => (EventInput?)new EventInput
        {
            EventId = $"bench-{i:D6}",
            UserId = $"u{i % 1000}",
            VideoId = $"v{(i * 7) % 1000}",
            Type = i % 2 == 0 ? "watch" : "impression",
            WatchSeconds = i % 2 == 0 ? 45 : 0,
            Timestamp = epoch.AddSeconds(i),
            Device = "mobile",
            RequestId = $"req-{i / 20}",
            Position = i % 20,
        }).ToArray();
    }

    [Benchmark]
    public int Validate1000() => _validator!.Validate(_batch).Events.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _store?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
