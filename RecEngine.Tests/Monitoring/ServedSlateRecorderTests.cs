using RecEngine.Serving;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

public sealed class ServedSlateRecorderTests
{
    private static ServedSlate Slate(float[] scores, string[] names, float[] values, bool degraded = false) =>
        new("r1", "u1", "v1", new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc), "tv", 12, ["a", "b"], scores, names, values, degraded);

    [Fact]
    public void EveryFeatureColumnAndTheScoresGoIntoTheLiveWindow()
    {
        var source = new InMemoryDriftDataSource(100, new FakeTimeProvider(), seed: 1);
        var recorder = new ServedSlateRecorder(source);

        // Two sampled rows of three features, row-major; one value missing.
        recorder.OnServed(Slate([5f, 3f], ["x", "y", "z"], [1f, 2f, 3f, 4f, float.NaN, 6f]));
        recorder.OnServed(Slate([7f], ["x", "y", "z"], [10f, 20f, 30f]));

        var window = source.TakeWindow();
        Assert.Equal([1.0, 4.0, 10.0], window.Numeric["x"].Values.Order());
        Assert.Equal([2.0, 20.0], window.Numeric["y"].Values.Order());
        Assert.Equal([3.0, 6.0, 30.0], window.Numeric["z"].Values.Order());
        Assert.Equal([3.0, 5.0, 7.0], window.Numeric[TrainingDriftReference.ScoreFeature].Values.Order());
    }

    [Fact]
    public void ADegradedSlatesScoresAreLeftOutButItsFeaturesCount()
    {
        var source = new InMemoryDriftDataSource(100, new FakeTimeProvider(), seed: 1);
        var recorder = new ServedSlateRecorder(source);

        recorder.OnServed(Slate([5f, 3f], ["x"], [1f, 2f], degraded: true));

        var window = source.TakeWindow();
        Assert.False(window.Numeric.ContainsKey(TrainingDriftReference.ScoreFeature));
        Assert.Equal([1.0, 2.0], window.Numeric["x"].Values.Order());
    }

    [Fact]
    public void AColumnWithOneValueOnEveryRowCountsOnce()
    {
        var source = new InMemoryDriftDataSource(100, new FakeTimeProvider(), seed: 1);
        var recorder = new ServedSlateRecorder(source);

        // "user" is the same on all three rows (a user feature); "video" differs per row.
        recorder.OnServed(Slate([1f], ["user", "video"], [7f, 1f, 7f, 2f, 7f, 2f]));

        var window = source.TakeWindow();
        Assert.Equal([7.0], window.Numeric["user"].Values);
        Assert.Equal([1.0, 2.0, 2.0], window.Numeric["video"].Values.Order());
    }

    [Fact]
    public void TheFirstValuesOfAVersionGoToItsCaptureAndOnlyLaterOnesToTheLiveWindow()
    {
        var source = new InMemoryDriftDataSource(100, new FakeTimeProvider(), seed: 1);
        var capture = new ServedReferenceCapture(size: 2); // slates
        var recorder = new ServedSlateRecorder(source, capture);

        recorder.OnServed(Slate([1f, 2f], ["x"], [1f, 2f]));
        recorder.OnServed(Slate([3f, 4f], ["x"], [3f, 4f]));
        recorder.OnServed(Slate([5f, 6f], ["x"], [5f, 6f]));

        var full = capture.TakeFull("v1").ToDictionary(f => f.Feature, f => f.Values);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], full["x"]); // whole slates: a slate is never split
        Assert.Equal([1.0, 2.0, 3.0, 4.0], full[TrainingDriftReference.ScoreFeature]);
        var window = source.TakeWindow();
        Assert.Equal([5.0, 6.0], window.Numeric["x"].Values.Order());
        Assert.Equal([5.0, 6.0], window.Numeric[TrainingDriftReference.ScoreFeature].Values.Order());
        Assert.Empty(capture.TakeFull("v1")); // handed over once
    }
}
