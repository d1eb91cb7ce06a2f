using RecEngine.Models;
using RecEngine.Events;
using RecEngine.Monitoring;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

public sealed class TrainingDriftReferenceTests
{
    private static readonly DateTime At = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

    private static InteractionEvent Event(string id, EventType type, int position = 0, double watchSeconds = 0) => new()
    {
        EventId = id, UserId = "u1", VideoId = "v1", Type = type, Timestamp = At, Position = position, Device = "tv", Hour = 10,
        WatchSeconds = watchSeconds, RequestId = "r1",
    };

    [Fact]
    public void TheReferenceCoversRankerFeaturesScoreAndEventFeaturesButNotWhatServingFixes()
    {
        var random = new Random(3);
        string[] names = ["video_duration", "position", "example_age_hours", "trending_score"];
        var rows = Enumerable.Range(0, 2000).Select(i => new[] { 100.0 + i, i % 10, i, i % 3 == 0 ? double.NaN : i * 0.5 }).ToList();
        var scores = Normal(random, 2000, mean: 40, sd: 5).Select(s => (float)s).ToArray();
        var events = new[] { Event("e1", EventType.Impression), Event("e2", EventType.Impression, 1), Event("e3", EventType.Watch, watchSeconds: 30) };

        var reference = TrainingDriftReference.Build("v7", DateTimeOffset.UnixEpoch, names, rows, scores, events, Options());

        Assert.Equal("v7", reference.ModelVersion);
        var byName = reference.Features.ToDictionary(f => f.Name);
        Assert.Equal(
            ["device", "event_type", "hour", "ranker_score", "trending_score", "video_duration", "watch_per_impression", "watch_seconds"],
            byName.Keys.Select(k => k.Replace("slate_", "", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var duration = Assert.IsType<NumericFeatureReference>(byName["video_duration"]);
        Assert.Equal(2000, duration.Count);
        Assert.Equal(100.0, duration.Sample[0]);
        // NaN (missing) values are not part of the reference.
        Assert.Equal(2000 - 667, byName["trending_score"].Count);
        Assert.Equal(2000, byName[TrainingDriftReference.ScoreFeature].Count);
        var outcome = Assert.IsType<CategoricalFeatureReference>(byName["watch_per_impression"]);
        Assert.Equal(2, outcome.Counts["impression"]);
        Assert.Equal(1, outcome.Counts["watch"]);
    }

    [Fact]
    public void TheStoredFileRoundTrips()
    {
        var dir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Null(TrainingDriftReference.TryLoad(dir));
            var reference = TrainingDriftReference.Build("v1", DateTimeOffset.UnixEpoch, ["x"], [[1.0], [2.0]], [3f, 4f], [], Options());

            TrainingDriftReference.Save(reference, ModelVersionFolder.At(dir));
            var loaded = TrainingDriftReference.TryLoad(dir);

            Assert.NotNull(loaded);
            Assert.Equal(["x", TrainingDriftReference.ScoreFeature], loaded.Features.Select(f => f.Name));
            Assert.Equal([3.0, 4.0], ((NumericFeatureReference)loaded.Features[1]).Sample);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
