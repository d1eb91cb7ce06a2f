using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Simulation;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Simulation;

public sealed class GenerateTests
{
    [Fact]
    public async Task GenerateVerbWritesTheWorldAndTheEventsPassValidation()
    {
        // Now is just after the world's last day, as when generate runs with its default start.
        var time = new FakeTimeProvider(new DateTimeOffset(TestWorlds.Start.AddDays(3).AddHours(1)));
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Simulation:MeanSessionsPerUserDay"] = "1.5" }, time);
        var services = factory.Services;
        var verb = (GenerateVerb)services.GetServices<RecEngine.Hosting.IVerb>().Single(v => v.Name == "generate");
        var command = RecEngine.Hosting.CommandLine.Parse(["generate", "--users", "80", "--videos", "200", "--days", "3", "--seed", "5", "--start", "2025-03-01"]);

        Assert.Equal(0, await verb.RunAsync(services, command, CancellationToken.None));

        // The same options give the same world, so the store must hold exactly what a fresh generator makes.
        var expected = TestWorlds.History(TestWorlds.Create(seed: 5, users: 80, videos: 200, days: 3));
        var store = services.GetRequiredService<RecEngineStore>();
        var events = services.GetRequiredService<EventStore>();
        Assert.Equal(80, store.Users.Count());
        Assert.Equal(200, store.Videos.Count());
        Assert.True(expected.Count > 500, $"only {expected.Count} events");
        Assert.Equal(expected.Count, events.Count());
        Assert.Equal(expected.Select(e => e.EventId).Order(StringComparer.Ordinal), events.Events.FindAll().Select(e => e.EventId).Order(StringComparer.Ordinal));

        // Stored events, read back, are accepted by the API's validator against the stored catalog.
        var validator = new EventValidator(new CatalogIndex(store), time, services.GetRequiredService<IOptions<EventsOptions>>());
        var inputs = events.Events.FindAll().Select(EventInput.From).ToList();
        var (valid, errors) = validator.Validate(inputs);
        Assert.True(errors.IsValid, string.Join("; ", errors.ToDictionary().Take(5).Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        Assert.Equal(inputs.Count, valid.Count);
        Assert.NotEmpty(events.ForUser(expected[0].UserId, 10_000));

        // --force replaces the world instead of mixing two.
        var again = RecEngine.Hosting.CommandLine.Parse(["generate", "--users", "50", "--videos", "100", "--days", "1", "--seed", "6", "--start", "2025-03-01", "--force"]);
        Assert.Equal(0, await verb.RunAsync(services, again, CancellationToken.None));
        Assert.Equal(50, store.Users.Count());
        Assert.Equal(100, store.Videos.Count());
        Assert.Equal(TestWorlds.History(TestWorlds.Create(seed: 6, users: 50, videos: 100, days: 1)).Count, events.Count());
        var indexes = new List<string>();
        using (var reader = store.Database.Execute("SELECT $.name FROM $indexes WHERE $.collection = 'events'"))
        {
            while (reader.Read())
            {
                indexes.Add(reader.Current["name"].AsString);
            }
        }

        Assert.Contains("Timestamp", indexes);
        Assert.Contains("UserId", indexes);
    }

    [Fact]
    public void WriterReportsProgressPerChunkAndDay()
    {
        using var factory = new RecEngineFactory();
        var services = factory.Services;
        var writer = new WorldWriter(
            services.GetRequiredService<RecEngineStore>(),
            services.GetRequiredService<CatalogService>(),
            services.GetRequiredService<CatalogIndex>(),
            services.GetRequiredService<EventStore>()) { ChunkSize = 100 };
        Assert.False(writer.StoreHasData);
        var progress = new List<WriteProgress>();

        var result = writer.Write(TestWorlds.Create(users: 40, videos: 250, days: 2), new InlineProgress(progress.Add), CancellationToken.None);

        Assert.True(writer.StoreHasData);
        Assert.Equal([100L, 200, 250], progress.Where(p => p.Stage == "videos").Select(p => p.Done));
        Assert.Contains(progress, p => p.Stage == "events" && p.Done == 2 && p.EventsWritten == result.Events);
        Assert.Equal(result.Events, services.GetRequiredService<EventStore>().Count());
    }

    [Fact]
    public async Task GenerateVerbRefusesANonEmptyStoreWithoutForce()
    {
        using var factory = new RecEngineFactory();
        var services = factory.Services;
        services.GetRequiredService<CatalogService>().UpsertUser(new User { Id = "someone", Country = "US", Device = "mobile", SignedUpAt = DateTime.UtcNow });
        var verb = (GenerateVerb)services.GetServices<RecEngine.Hosting.IVerb>().Single(v => v.Name == "generate");
        var command = RecEngine.Hosting.CommandLine.Parse(["generate", "--users", "5", "--videos", "5", "--days", "1"]);

        var error = await Assert.ThrowsAsync<RecEngine.Hosting.VerbUsageException>(() => verb.RunAsync(services, command, CancellationToken.None));
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--users", "0")]
    [InlineData("--videos", "lots")]
    [InlineData("--days", "-3")]
    [InlineData("--scenario", "meteor-strike")]
    [InlineData("--start", "yesterday")]
    [InlineData("--switch-day", "14")]
    public async Task GenerateVerbRejectsBadNumbersAndNames(string option, string value)
    {
        using var factory = new RecEngineFactory();
        var services = factory.Services;
        var verb = (GenerateVerb)factory.Services.GetServices<RecEngine.Hosting.IVerb>().Single(v => v.Name == "generate");
        var command = RecEngine.Hosting.CommandLine.Parse(["generate", option, value]);

        await Assert.ThrowsAsync<RecEngine.Hosting.VerbUsageException>(() => verb.RunAsync(services, command, CancellationToken.None));
    }

    private sealed class InlineProgress(Action<WriteProgress> report) : IProgress<WriteProgress>
    {
        public void Report(WriteProgress value) => report(value);
    }
}
