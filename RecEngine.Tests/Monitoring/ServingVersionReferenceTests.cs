using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

/// <summary>The monitor compares against the reference stored with the serving version, else the bootstrapped one.</summary>
public sealed class ServingVersionReferenceTests : IDisposable
{
    private static readonly string[] Names = ["video_duration", "user_watch_rate"];
    private readonly DataDirectory _dataDir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private string? _serving;

    private (ServingVersionReference Source, InMemoryDriftDataSource Inner) Create()
    {
        var inner = new InMemoryDriftDataSource(20_000, _time, seed: 5);
        return (new ServingVersionReference(inner, () => _serving, _dataDir, NullLogger<ServingVersionReference>.Instance), inner);
    }

    /// <summary>A version folder with a stored reference: two ranker features N(0,1) and N(5,1), scores N(40,5).</summary>
    private void StoreVersion(string version, Random random)
    {
        var dir = Path.Combine(_dataDir.ModelsPath, version);
        Directory.CreateDirectory(dir);
        var a = Normal(random, 20_000);
        var b = Normal(random, 20_000, mean: 5);
        var rows = Enumerable.Range(0, a.Length).Select(i => new[] { a[i], b[i] }).ToList();
        var scores = Normal(random, 20_000, mean: 40, sd: 5).Select(s => (float)s).ToArray();
        TrainingDriftReference.Save(TrainingDriftReference.Build(version, _time.GetUtcNow(), Names, rows, scores, [], Options()), dir);
    }

    private static ServedSlate Slate(Random random, int rows, double scoreShift)
    {
        var values = new float[rows * Names.Length];
        for (var r = 0; r < rows; r++)
        {
            values[r * 2] = (float)Normal(random, 1)[0];
            values[(r * 2) + 1] = (float)Normal(random, 1, mean: 5)[0];
        }

        var scores = Normal(random, rows, mean: 40 + scoreShift, sd: 5).Select(s => (float)s).ToArray();
        return new ServedSlate("r", "u", "v1", DateTime.UtcNow, "tv", 12, [], scores, Names, values, false);
    }

    [Fact]
    public void TheServingVersionsStoredReferenceWinsOverTheBootstrappedOne()
    {
        var (source, inner) = Create();
        var bootstrap = new ReferenceProfile { ModelVersion = "events-20261124" };
        inner.SetReference(bootstrap);
        StoreVersion("v1", new Random(1));
        Directory.CreateDirectory(Path.Combine(_dataDir.ModelsPath, "v0"));

        Assert.Same(bootstrap, source.Reference); // nothing serving yet
        _serving = "v1";
        Assert.Equal("v1", source.Reference?.ModelVersion);
        Assert.Same(source.Reference, source.Reference); // read once per version
        _serving = "v0"; // an older version, trained before references were stored
        Assert.Same(bootstrap, source.Reference);
    }

    [Fact]
    public async Task EachCheckCoversEveryRankerFeatureTheScoreAndTheOutcomesAndWaitsForEnoughData()
    {
        var (source, inner) = Create();
        StoreVersion("v1", new Random(2));
        _serving = "v1";
        var options = Options(minWindow: 1000) with { Interval = TimeSpan.FromMinutes(5) };
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(options), _time, NullLogger<DriftMonitor>.Instance);
        var recorder = new ServedSlateRecorder(inner);
        var random = new Random(3);

        // 50 slates of 10 rows: 500 values per feature, under the minimum window.
        for (var i = 0; i < 50; i++)
        {
            recorder.OnServed(Slate(random, 10, scoreShift: 0));
        }

        _time.Advance(options.Interval);
        var thin = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal("v1", thin!.ModelVersion);
        Assert.Equal(
            ["ranker_score", "user_watch_rate", "video_duration"],
            thin.Features.Select(f => f.Feature).Order(StringComparer.Ordinal));
        Assert.All(thin.Features, f => Assert.Equal(DriftState.InsufficientData, f.State));

        // Enough served traffic, from the training distribution except a score shifted by one standard deviation.
        for (var i = 0; i < 300; i++)
        {
            recorder.OnServed(Slate(random, 10, scoreShift: 5));
        }

        _time.Advance(options.Interval);
        var full = await monitor.CheckOnceAsync(CancellationToken.None);
        var states = full!.Features.ToDictionary(f => f.Feature, f => f.State);
        Assert.Equal(DriftState.Drift, states[TrainingDriftReference.ScoreFeature]);
        Assert.Equal(DriftState.Ok, states["video_duration"]);
        Assert.Equal(DriftState.Ok, states["user_watch_rate"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
