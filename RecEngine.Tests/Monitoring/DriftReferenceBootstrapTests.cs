using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
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
        var bootstrap = new DriftReferenceBootstrap(events, source, Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<DriftReferenceBootstrap>.Instance);

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
