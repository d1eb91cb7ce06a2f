using RecEngine.Models;
using RecEngine.Serving;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

/// <summary>
/// The monitor compares served-slate features with the serving version's own first served slates, event features with
/// its training reference, and falls back to the bootstrapped reference for versions stored without one.
/// </summary>
public sealed class ServingVersionReferenceTests : IDisposable
{
    private static readonly string[] Names = ["video_duration", "user_watch_rate"];
    private const int ReferenceSize = 2000;
    private readonly DataDirectory _dataDir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    // These tests hold served features to the served reference itself (fixed); the rolling references that build on it
    // by default are RollingBaselineTests' subject, and the last test here checks how the two join.
    private MonitoringOptions _options = Options(minWindow: 1000) with { Interval = TimeSpan.FromMinutes(5), ServedReferenceSize = ReferenceSize, RollingFeatures = [] };
    private string? _serving;

    /// <summary>One process's monitoring over the data directory: a restart is a second one over the same directory.</summary>
    private (DriftMonitor Monitor, ServedSlateRecorder Recorder, InMemoryDriftDataSource Inner) Start(int seed = 5)
    {
        var inner = new InMemoryDriftDataSource(_options.LiveWindowCapacity, _time, seed);
        var capture = new ServedReferenceCapture(_options.ServedReferenceSize);
        var source = new ServingVersionReference(inner, capture, () => _serving, _dataDir, _options, _time, NullLogger<ServingVersionReference>.Instance);
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(_options), _time, NullLogger<DriftMonitor>.Instance);
        return (monitor, new ServedSlateRecorder(inner, capture), inner);
    }

    /// <summary>
    /// A version folder with a stored training reference: the two ranker features N(0,1) and N(5,1), scores N(40,5), as
    /// the training impressions had them, and the watch rate of their events.
    /// </summary>
    private void StoreVersion(string version, Random random)
    {
        var dir = Path.Combine(_dataDir.ModelsPath, version);
        Directory.CreateDirectory(dir);
        var a = Normal(random, 20_000);
        var b = Normal(random, 20_000, mean: 5);
        var rows = Enumerable.Range(0, a.Length).Select(i => new[] { a[i], b[i] }).ToList();
        var scores = Normal(random, 20_000, mean: 40, sd: 5).Select(s => (float)s).ToArray();
        TrainingDriftReference.Save(TrainingDriftReference.Build(version, _time.GetUtcNow(), Names, rows, scores, Watches(random, 20_000), _options), ModelVersionFolder.At(dir));
    }

    /// <summary>Impressions and watches at a 30% watch rate.</summary>
    private static IEnumerable<InteractionEvent> Watches(Random random, int count) => Enumerable.Range(0, count).Select(i => new InteractionEvent
    {
        EventId = $"e{i}", UserId = "u", VideoId = "v", Type = random.NextDouble() < 0.3 ? EventType.Watch : EventType.Impression,
        Timestamp = DateTime.UnixEpoch, Position = 1, WatchSeconds = 30, RequestId = "r",
    });

    /// <summary>
    /// A served slate of eight rows: video durations per row N(durationMean, 1), the user's watch rate (one value, the
    /// same on every row) N(5.5, 1), scores N(46, 5). Served slates differ from the training impressions (another
    /// policy chose those) in every feature, by half a standard deviation or more.
    /// </summary>
    private static ServedSlate Slate(Random random, double durationMean = 0.5, string version = "v1")
    {
        const int rows = 8;
        var values = new float[rows * Names.Length];
        var userRate = (float)Normal(random, 1, mean: 5.5)[0];
        for (var r = 0; r < rows; r++)
        {
            values[r * 2] = (float)Normal(random, 1, mean: durationMean)[0];
            values[(r * 2) + 1] = userRate;
        }

        var scores = Normal(random, 20, mean: 46, sd: 5).Select(s => (float)s).ToArray();
        return new ServedSlate("r", "u", version, DateTime.UtcNow, "tv", 12, [], scores, Names, values, false);
    }

    private async Task<Dictionary<string, DriftState>> CheckAsync(DriftMonitor monitor)
    {
        _time.Advance(_options.Interval);
        var report = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.NotNull(report);
        return report.Features.ToDictionary(f => f.Feature, f => f.State);
    }

    private static void Serve(ServedSlateRecorder recorder, Random random, int slates, double durationMean = 0.5)
    {
        for (var i = 0; i < slates; i++)
        {
            recorder.OnServed(Slate(random, durationMean));
        }
    }

    [Fact]
    public async Task ServedFeaturesWaitForTheirServedReferenceWhileEventFeaturesUseTheTrainingOne()
    {
        StoreVersion("v1", new Random(2));
        _serving = "v1";
        var (monitor, recorder, inner) = Start();
        var random = new Random(3);

        // 1,500 slates fill no capture (2,000 slates each), so the served features have neither a reference nor a live
        // window yet.
        Serve(recorder, random, 1500);
        foreach (var e in Watches(random, 5000))
        {
            EventDriftFeatures.Extract(e, inner.Record, (name, value) => inner.Record(name, value));
        }

        var first = await CheckAsync(monitor);
        Assert.Equal(
            ["event_type", "ranker_score", "user_watch_rate", "video_duration", "watch_per_impression", "watch_seconds"],
            first.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DriftState.InsufficientData, first["user_watch_rate"]);
        Assert.Equal(DriftState.InsufficientData, first["video_duration"]);
        // The events match the training window's watch rate: compared with the training reference, and fine.
        Assert.Equal(DriftState.Ok, first["watch_per_impression"]);

        // Every capture is full after 500 more slates, and the 1,000 after them are compared with it and pass, although every feature is half a standard deviation and more away from the training impressions.
        Serve(recorder, random, 1500);
        var second = await CheckAsync(monitor);
        Assert.Equal(DriftState.Ok, second["video_duration"]);
        Assert.Equal(DriftState.Ok, second[TrainingDriftReference.ScoreFeature]);
        Assert.Equal(DriftState.Ok, second["user_watch_rate"]);
        Assert.True(File.Exists(Path.Combine(_dataDir.ModelsPath, "v1", ServedDriftReference.FileName)));
    }

    [Fact]
    public async Task StationaryServedTrafficRaisesNoAlarmAfterCaptureAndAShiftAfterItIsDetected()
    {
        StoreVersion("v1", new Random(4));
        _serving = "v1";
        var (monitor, recorder, _) = Start();
        var random = new Random(6);

        Serve(recorder, random, ReferenceSize); // fills every capture
        await CheckAsync(monitor);
        var alarms = 0;
        for (var check = 0; check < 30; check++)
        {
            Serve(recorder, random, 1200);
            var states = await CheckAsync(monitor);
            Assert.All(["video_duration", "user_watch_rate", TrainingDriftReference.ScoreFeature], f => Assert.NotEqual(DriftState.InsufficientData, states[f]));
            alarms += states.Values.Count(s => s == DriftState.Drift);
        }

        // Without the served reference every one of the 30 checks alarms on all three served features.
        Assert.True(alarms <= 1, $"{alarms} drift states in 30 stationary checks");

        // Served durations move by 0.3 standard deviations.
        Serve(recorder, random, 1200, durationMean: 0.8);
        var shifted = await CheckAsync(monitor);
        Assert.Equal(DriftState.Drift, shifted["video_duration"]);
        Assert.Equal(DriftState.Ok, shifted["user_watch_rate"]);
    }

    [Fact]
    public async Task ARestartKeepsTheServedReferenceAndANewVersionCapturesItsOwn()
    {
        StoreVersion("v1", new Random(7));
        StoreVersion("v2", new Random(8));
        _serving = "v1";
        var random = new Random(9);
        var (before, beforeRecorder, _) = Start();
        Serve(beforeRecorder, random, ReferenceSize);
        await CheckAsync(before);

        // Another process over the same data directory: the stored served reference is read back, so the first window
        // is compared at once, and a shift in it is found.
        var (after, afterRecorder, _) = Start(seed: 11);
        await CheckAsync(after); // loads the stored reference; nothing served yet
        Serve(afterRecorder, random, 1200, durationMean: 0.8);
        var states = await CheckAsync(after);
        Assert.Equal(DriftState.Drift, states["video_duration"]);
        Assert.Equal(DriftState.Ok, states["user_watch_rate"]);

        // A newly promoted version starts without one.
        _serving = "v2";
        for (var i = 0; i < 100; i++)
        {
            afterRecorder.OnServed(Slate(random, version: "v2"));
        }

        var v2 = await CheckAsync(after);
        Assert.Equal(DriftState.InsufficientData, v2["video_duration"]);
        Assert.Equal(DriftState.InsufficientData, v2["user_watch_rate"]);
    }

    [Fact]
    public async Task ByDefaultServedFeaturesRollOnFromTheServedReference()
    {
        _options = _options with { RollingFeatures = new MonitoringOptions().RollingFeatures };
        StoreVersion("v1", new Random(21));
        _serving = "v1";
        var (monitor, recorder, _) = Start();
        var random = new Random(22);
        Serve(recorder, random, ReferenceSize); // fills every capture
        await CheckAsync(monitor);

        var reports = new List<DriftReport>();
        for (var check = 0; check < _options.RollingWarmUpChecks + 2; check++)
        {
            Serve(recorder, random, 1200);
            _time.Advance(_options.Interval);
            reports.Add((await monitor.CheckOnceAsync(CancellationToken.None))!);
        }

        FeatureDrift Duration(DriftReport r) => r.Features.Single(f => f.Feature == "video_duration");
        Assert.Equal(ReferenceOrigin.Served, Duration(reports[0]).Reference);
        Assert.Equal(ReferenceBaseline.Rolling, Duration(reports[0]).Baseline);
        Assert.Equal(DriftState.InsufficientData, Duration(reports[0]).State); // calibrating
        Assert.Equal(ReferenceOrigin.PreviousWindow, Duration(reports[^1]).Reference);
        Assert.Equal(DriftState.Ok, Duration(reports[^1]).State);
        // Outcome features of events roll too; with no events since, this one still names its training reference.
        var outcome = reports[^1].Features.Single(f => f.Feature == "watch_per_impression");
        Assert.Equal(ReferenceBaseline.Rolling, outcome.Baseline);
        Assert.Equal(ReferenceOrigin.Training, outcome.Reference);
    }

    [Fact]
    public void WithoutAStoredTrainingReferenceTheBootstrappedOneStandsIn()
    {
        var inner = new InMemoryDriftDataSource(1000, _time);
        var capture = new ServedReferenceCapture(ReferenceSize);
        var source = new ServingVersionReference(inner, capture, () => _serving, _dataDir, _options, _time, NullLogger<ServingVersionReference>.Instance);
        var bootstrap = new ReferenceProfile { ModelVersion = "events-20261124" };
        inner.SetReference(bootstrap);
        Directory.CreateDirectory(Path.Combine(_dataDir.ModelsPath, "v0"));

        Assert.Same(bootstrap, source.Reference); // nothing serving yet
        _serving = "v0"; // trained before references were stored
        Assert.Equal("events-20261124", source.Reference?.ModelVersion);
        Assert.Empty(source.Reference!.Features);
    }

    [Fact]
    public void EventFeatureNamesAreExactlyWhatExtractRecords()
    {
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in Enum.GetValues<EventType>())
        {
            var e = new InteractionEvent { EventId = "e", UserId = "u", VideoId = "v", Type = type, Position = 0, Device = "tv", Hour = 3, WatchSeconds = 5 };
            EventDriftFeatures.Extract(e, (name, _) => recorded.Add(name), (name, _) => recorded.Add(name));
        }

        Assert.Equal(EventDriftFeatures.Names.Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
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
