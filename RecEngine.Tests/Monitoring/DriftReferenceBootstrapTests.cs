using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

public sealed class DriftReferenceBootstrapTests : IDisposable
{
    private readonly DataDirectory _dir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));

    [Fact]
    public void TheReferenceComesFromTheLastDayOfStoredEvents()
    {
        using var store = new RecEngineStore(_dir);
        using var events = new EventStore(store);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var options = new MonitoringOptions();
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time);
        var bootstrap = new DriftReferenceBootstrap(events, source, Warmup(events), Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<DriftReferenceBootstrap>.Instance);

        Assert.False(bootstrap.Build()); // nothing stored yet
        var newest = new DateTime(2026, 3, 9, 12, 0, 0, DateTimeKind.Utc);
        // Two days: only the last 24 hours (all "tv") may shape the reference.
        events.InsertNewBulk(Enumerable.Range(0, 48).Select(h => new InteractionEvent
        {
            EventId = $"e{h}", UserId = "u", VideoId = "v", Type = EventType.Impression, Position = 0,
            Device = h < 24 ? "mobile" : "tv", Timestamp = newest.AddHours(h - 47),
        }));

        Assert.True(bootstrap.Build());
        var device = Assert.IsType<CategoricalFeatureReference>(source.Reference!.Features.Single(f => f.Name == "slate_device"));
        Assert.Equal(["tv"], device.Counts.Keys);
        Assert.StartsWith("events-", source.Reference.ModelVersion, StringComparison.Ordinal);
        Assert.False(bootstrap.Build()); // a reference is set: left alone
    }

    /// <summary>
    /// Start-up's full scans run one at a time (LiteDB issue 2817): the reference is built only after the user-feature
    /// warm-up, which itself waits for the model's load, has finished.
    /// </summary>
    [Fact]
    public async Task TheReferenceWaitsForTheUserFeatureWarmUp()
    {
        using var store = new RecEngineStore(_dir);
        using var events = new EventStore(store);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));
        var options = new MonitoringOptions();
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time);
        events.InsertNewBulk(Enumerable.Range(0, 10).Select(h => new InteractionEvent
        {
            EventId = $"e{h}", UserId = "u", VideoId = "v", Type = EventType.Impression, Position = 0,
            Device = "tv", Timestamp = new DateTime(2026, 3, 9, h, 0, 0, DateTimeKind.Utc),
        }));
        var warmup = Warmup(events);
        var bootstrap = new DriftReferenceBootstrap(events, source, warmup, Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<DriftReferenceBootstrap>.Instance);
        await warmup.StartAsync(CancellationToken.None);
        await bootstrap.StartAsync(CancellationToken.None);

        await Task.Delay(200);
        Assert.False(bootstrap.ExecuteTask!.IsCompleted);
        Assert.Null(source.Reference);

        warmup.Begin();
        await bootstrap.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await warmup.Completed);
        Assert.NotNull(source.Reference);
        await bootstrap.StopAsync(CancellationToken.None);
        await warmup.StopAsync(CancellationToken.None);
    }

    private static UserFeatureWarmup Warmup(EventStore events) => new(
        new UserFeatureCache(events, Microsoft.Extensions.Options.Options.Create(new FeaturesOptions())),
        events,
        Microsoft.Extensions.Options.Options.Create(new FeaturesOptions { WarmUpNice = 0 }),
        NullLogger<UserFeatureWarmup>.Instance);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
