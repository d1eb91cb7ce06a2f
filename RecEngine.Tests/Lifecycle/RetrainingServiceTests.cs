using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Lifecycle;
using RecEngine.Monitoring;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>Retraining over the real app: validation against the serving model, promotion, rejection, drift.</summary>
public sealed class RetrainingServiceTests
{
    [Fact]
    public async Task ACandidateWithinToleranceIsPromotedAndHotSwapped()
    {
        // Relative tolerance 1: anything at least 0 x the serving metric passes.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Relative",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);

        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.True(outcome.Promoted, outcome.Reason);
        Assert.Equal(outcome.Version, factory.Services.GetRequiredService<ServingState>().Current!.Version);
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        var record = registry.Get(outcome.Version!)!;
        Assert.Equal(ModelStatus.Serving, record.Status);
        Assert.Equal("test", record.Trigger);
        Assert.StartsWith("not worse than serving within the relative tolerance 1", record.Reason, StringComparison.Ordinal);
        Assert.Equal($"serving:{serving}", record.Validation!.Baseline);
        Assert.True(record.Validation.Passed);
        Assert.Equal(outcome.CandidateValue, record.Validation.CandidateValue);
        Assert.Equal(outcome.ServingValue, record.Validation.BaselineValue);
        Assert.True(record.Validation.HeldOutFrom >= record.WindowTo.AddMilliseconds(-1), "the held-out slice starts where training ends");
        Assert.Equal(ModelStatus.Retired, registry.Get(serving)!.Status);
    }

    [Fact]
    public async Task ACandidateWorseBeyondToleranceIsRejectedWithTheNumbers()
    {
        // Absolute tolerance -1: the candidate would have to beat serving by a whole NDCG point, which no model can.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Absolute",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "-1",
            ["RecEngine:Lifecycle:Validation:Metric"] = "recall@20",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);

        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.False(outcome.Promoted, outcome.Reason);
        Assert.NotNull(outcome.Version);
        Assert.Equal("recall@20", outcome.Metric);
        Assert.Equal(serving, factory.Services.GetRequiredService<ServingState>().Current!.Version);
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        var record = registry.Get(outcome.Version!)!;
        Assert.Equal(ModelStatus.Rejected, record.Status);
        Assert.StartsWith("worse than serving beyond the absolute tolerance -1: recall@20", record.Reason, StringComparison.Ordinal);
        Assert.Contains($"serving:{serving}", record.Reason, StringComparison.Ordinal);
        Assert.False(record.Validation!.Passed);
        // The serving model was trained by `train` up to the newest event, so it saw the held-out slice: said so.
        Assert.True(record.Validation.ServingTrainedOnSlice);
        Assert.EndsWith("(the serving model was trained on this slice too, which favours it)", record.Reason, StringComparison.Ordinal);
        Assert.InRange(record.Validation.CandidateValue, 0, 1);
        Assert.Equal(ModelStatus.Serving, registry.Get(serving)!.Status);
    }

    [Fact]
    public async Task TheFirstModelIsPromotedOnlyIfItBeatsMostPopular()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);

        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        var record = factory.Services.GetRequiredService<ModelRegistry>().Get(outcome.Version!)!;
        Assert.Equal("most_popular", record.Validation!.Baseline);
        Assert.Equal(record.Metrics["held_out_most_popular_watch_time_ndcg@20"], record.Validation.BaselineValue);
        Assert.Equal(record.Validation.CandidateValue > record.Validation.BaselineValue, outcome.Promoted);
        Assert.Equal(outcome.Promoted ? ModelStatus.Serving : ModelStatus.Rejected, record.Status);
        Assert.Equal(outcome.Promoted ? outcome.Version : null, factory.Services.GetRequiredService<ServingState>().Current?.Version);
    }

    [Fact]
    public async Task DriftTriggersARetrainingAtMostOncePerDebouncePeriod()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Schedule:DriftDebounce"] = "06:00:00",
        }), time);
        var service = factory.Services.GetRequiredService<RetrainingService>();

        service.OnDriftStateChanged(Change(DriftState.Ok, DriftState.Warn));
        Assert.Null(service.Background);

        service.OnDriftStateChanged(Change(DriftState.Warn, DriftState.Drift));
        var first = Assert.IsType<Task<RetrainOutcome>>(service.Background, exactMatch: false);
        // An empty data directory: the retraining runs and finds nothing to train on.
        Assert.Equal("no events to train on", (await first).Reason);

        time.Advance(TimeSpan.FromHours(5));
        service.OnDriftStateChanged(Change(DriftState.Ok, DriftState.Drift));
        Assert.Same(first, service.Background);

        time.Advance(TimeSpan.FromHours(1));
        service.OnDriftStateChanged(Change(DriftState.Ok, DriftState.Drift));
        Assert.NotSame(first, service.Background);
        await service.Background!;
    }

    private static DriftStateChange Change(DriftState from, DriftState to) => new(
        from,
        to,
        [new FeatureStateChange("device", from, to)],
        new DriftReport(DateTimeOffset.UnixEpoch, "v1", to, MultipleTestingCorrection.BenjaminiHochberg, []));
}
