using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Simulation;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Simulation;

public sealed class GenerateTests
{
    [Fact]
    public void WriterStoresTheWholeWorldAndTheEventsPassValidation()
    {
        // Now is just after the world's last day, as when generate runs with its default start.
        var time = new FakeTimeProvider(new DateTimeOffset(TestWorlds.Start.AddDays(4).AddHours(1)));
        using var factory = new RecEngineFactory(time: time);
        var services = factory.Services;
        var writer = services.GetRequiredService<WorldWriter>();
        Assert.False(writer.StoreHasData);
        var world = TestWorlds.Create(users: 150, videos: 300, days: 4);
        var progress = new List<WriteProgress>();

        var result = new WorldWriter(
            services.GetRequiredService<RecEngineStore>(),
            services.GetRequiredService<CatalogService>(),
            services.GetRequiredService<CatalogIndex>(),
            services.GetRequiredService<EventStore>()) { ChunkSize = 500 }
            .Write(world, new InlineProgress(progress.Add), CancellationToken.None);

        var store = services.GetRequiredService<RecEngineStore>();
        var events = services.GetRequiredService<EventStore>();
        Assert.Equal(150, store.Users.Count());
        Assert.Equal(300, store.Videos.Count());
        Assert.True(result.Events > 1000, $"only {result.Events} events");
        Assert.Equal(result.Events, events.Count());
        Assert.True(writer.StoreHasData);
        Assert.Contains(progress, p => p.Stage == "events" && p.Done == 4 && p.EventsWritten == result.Events);

        // Stored events, read back, are accepted by the API's validator against the stored catalog.
        var validator = new EventValidator(new CatalogIndex(store), time, services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventsOptions>>());
        var inputs = events.Events.FindAll().Select(ToInput).ToList();
        var (valid, errors) = validator.Validate(inputs);
        Assert.True(errors.IsValid, string.Join("; ", errors.ToDictionary().Take(5).Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.Equal(inputs.Count, valid.Count);

        // A user's history is queryable through the store's index.
        Assert.NotEmpty(events.ForUser(store.Users.FindAll().First().Id, 10000));
    }

    [Fact]
    public async Task GenerateVerbRefusesANonEmptyStoreWithoutForce()
    {
        using var factory = new RecEngineFactory();
        var services = factory.Services;
        services.GetRequiredService<CatalogService>().UpsertUser(new User { Id = "someone", Country = "US", Device = "mobile", SignedUpAt = DateTime.UtcNow });
        var verb = (GenerateVerb)services.GetServices<Hosting.IVerb>().Single(v => v.Name == "generate");
        var command = Hosting.CommandLine.Parse(["generate", "--users", "5", "--videos", "5", "--days", "1"]);

        var error = await Assert.ThrowsAsync<Hosting.VerbUsageException>(() => verb.RunAsync(services, command, CancellationToken.None));
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--users", "0")]
    [InlineData("--videos", "lots")]
    [InlineData("--days", "-3")]
    [InlineData("--scenario", "meteor-strike")]
    [InlineData("--start", "yesterday")]
    public async Task GenerateVerbRejectsBadNumbersAndNames(string option, string value)
    {
        using var factory = new RecEngineFactory();
        var services = factory.Services;
        var verb = (GenerateVerb)factory.Services.GetServices<Hosting.IVerb>().Single(v => v.Name == "generate");
        var command = Hosting.CommandLine.Parse(["generate", option, value]);

        await Assert.ThrowsAsync<Hosting.VerbUsageException>(() => verb.RunAsync(services, command, CancellationToken.None));
    }

    private static EventInput ToInput(InteractionEvent e) => new()
    {
        EventId = e.EventId,
        UserId = e.UserId,
        VideoId = e.VideoId,
        Type = e.Type.ToString().ToLowerInvariant(),
        WatchSeconds = e.WatchSeconds,
        Timestamp = e.Timestamp,
        Device = e.Device,
        Hour = e.Hour,
        RequestId = e.RequestId,
        Position = e.Position,
    };

    private sealed class InlineProgress(Action<WriteProgress> report) : IProgress<WriteProgress>
    {
        public void Report(WriteProgress value) => report(value);
    }
}
