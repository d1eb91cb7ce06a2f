using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Hosting;
using RecEngine.Lifecycle;

namespace RecEngine.Tests.Lifecycle;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly DataDirectory _dataDir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly RecEngineStore _store;
    private readonly ModelRegistry _registry;

    public ModelRegistryTests()
    {
        _dataDir.EnsureExists();
        _store = new RecEngineStore(_dataDir);
        _registry = new ModelRegistry(_store, _dataDir, _time);
    }

    [Fact]
    public void RegisterReadsTheWindowAndFiguresOfMetricsJson()
    {
        var folder = Version("v1", """{ "version": "v1", "window_start": "2026-11-01T00:00:00Z", "window_end": "2026-11-15T00:00:00Z", "events": 1234, "seconds": 2.5, "ranker_epoch_losses": [0.5] }""");

        var record = _registry.Register(folder, "train");

        Assert.Equal(ModelStatus.Candidate, record.Status);
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), record.WindowFrom);
        Assert.Equal(new DateTime(2026, 11, 15, 0, 0, 0, DateTimeKind.Utc), record.WindowTo);
        Assert.Equal(1234, record.Metrics["events"]);
        Assert.Equal(2.5, record.Metrics["seconds"]);
        Assert.False(record.Metrics.ContainsKey("ranker_epoch_losses"));
        Assert.Equal("train", _registry.Get("v1")!.Trigger);
    }

    [Fact]
    public void ACanaryThatARestartInterruptedIsRejectedAndOtherCandidatesAreLeftAlone()
    {
        foreach (var v in new[] { "v1", "v2", "v3" })
        {
            _registry.Register(Version(v, "{}"), "test");
        }

        _registry.MarkServing("v1", "first");
        _registry.MarkCanary("v2", "serving a canary to 20% of users", _time.GetUtcNow().UtcDateTime);

        Assert.Equal(ModelStatus.Candidate, _registry.Get("v2")!.Status);
        Assert.Equal(["v2"], _registry.RejectInterruptedCanaries());

        var v2 = _registry.Get("v2")!;
        Assert.Equal(ModelStatus.Rejected, v2.Status);
        Assert.StartsWith("its canary (from 2026-11-25 12:00:00Z) was interrupted by a restart", v2.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.Candidate, _registry.Get("v3")!.Status);
        Assert.Equal(ModelStatus.Serving, _registry.Get("v1")!.Status);
        Assert.Empty(_registry.RejectInterruptedCanaries());
    }

    [Fact]
    public void PromotingRetiresTheServingVersionAndRejectedOnesAreNeverServedAtStart()
    {
        foreach (var v in new[] { "v1", "v2", "v3" })
        {
            _registry.Register(Version(v, "{}"), "test");
        }

        _registry.MarkServing("v1", "first");
        _time.Advance(TimeSpan.FromMinutes(1));
        _registry.MarkServing("v2", "better");
        _time.Advance(TimeSpan.FromMinutes(1));
        _registry.MarkRejected("v3", "worse than serving");

        Assert.Equal("v2", _registry.Serving()!.Version);
        var v1 = _registry.Get("v1")!;
        Assert.Equal(ModelStatus.Retired, v1.Status);
        Assert.Equal("replaced by v2", v1.Reason);
        Assert.NotNull(v1.RetiredAt);
        Assert.Equal(ModelStatus.Rejected, _registry.Get("v3")!.Status);
        Assert.Equal("worse than serving", _registry.Get("v3")!.Reason);
        Assert.Equal(["v2", "v1"], _registry.PromotedNewestFirst().Select(m => m.Version));

        // Roll back: v1 serves again and is now the last promoted; a refused v2 drops out of the start order.
        _time.Advance(TimeSpan.FromMinutes(1));
        _registry.MarkServing("v1", "rollback");
        Assert.Equal(["v1", "v2"], _registry.PromotedNewestFirst().Select(m => m.Version));
        _registry.MarkRejected("v2", "refused at start: checksums");
        Assert.Equal(["v1"], _registry.PromotedNewestFirst().Select(m => m.Version));
        Assert.Single(_registry.All(), m => m.Status == ModelStatus.Serving);
        Assert.Equal(["v3", "v2", "v1"], _registry.All().Select(m => m.Version));
    }

    [Fact]
    public void StatusChangesOfAnUnknownVersionThrow()
    {
        Assert.Throws<KeyNotFoundException>(() => _registry.MarkServing("nope", "x"));
        Assert.Throws<KeyNotFoundException>(() => _registry.MarkRejected("nope", "x"));
    }

    private string Version(string name, string metricsJson)
    {
        var folder = Path.Combine(_dataDir.ModelsPath, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), metricsJson);
        return folder;
    }

    public void Dispose()
    {
        _store.Dispose();
        try
        {
            Directory.Delete(_dataDir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
