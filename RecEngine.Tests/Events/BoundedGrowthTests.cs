using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Events;

/// <summary>Retention of events and slates, pruning of model folders, and what requests for made-up user ids may store.</summary>
public sealed class BoundedGrowthTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Retention_deletes_events_and_slates_older_than_the_newest_event_minus_the_retention()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Events:Retention"] = "20.00:00:00", ["RecEngine:Events:RetentionKeepsNewest"] = "0" });
        var newest = await PostEventsAgedAsync(factory);
        var writer = factory.Services.GetRequiredService<EventWriter>();
        writer.CommitSlates(new[] { 1, 25 }.Select(days => new ServedSlateRecord { RequestId = $"s{days}", UserId = "u1", Timestamp = newest.AddDays(-days), VideoIds = ["v1"] }).ToList());

        var (deletedEvents, deletedSlates) = factory.Services.GetRequiredService<EventRetention>().RunOnce();

        Assert.Equal((3, 1), (deletedEvents, deletedSlates));
        var store = factory.Services.GetRequiredService<EventStore>();
        Assert.Equal(["d0", "d19", "d5"], store.Events.FindAll().Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(["s1"], store.Slates.FindAll().Select(s => s.RequestId));
        Assert.Equal((0, 0), factory.Services.GetRequiredService<EventRetention>().RunOnce());
    }

    [Fact]
    public async Task Retention_keeps_the_newest_events_training_reaches_back_for_however_old()
    {
        // An imported history: six events spread over 300 days; the newest four are what training's window needs.
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Events:Retention"] = "20.00:00:00", ["RecEngine:Events:RetentionKeepsNewest"] = "4" });
        await PostEventsAgedAsync(factory);

        var (deletedEvents, _) = factory.Services.GetRequiredService<EventRetention>().RunOnce();

        // By age alone d21, d40 and d300 would go; the newest four (d0, d5, d19, d21) stay.
        Assert.Equal(2, deletedEvents);
        var store = factory.Services.GetRequiredService<EventStore>();
        Assert.Equal(["d0", "d19", "d21", "d5"], store.Events.FindAll().Select(e => e.EventId).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("6")]
    [InlineData("7")]
    [InlineData("1000000")]
    public async Task Retention_deletes_no_event_while_the_store_holds_no_more_than_it_keeps(string keep)
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Events:Retention"] = "20.00:00:00", ["RecEngine:Events:RetentionKeepsNewest"] = keep });
        await PostEventsAgedAsync(factory);

        var (deletedEvents, _) = factory.Services.GetRequiredService<EventRetention>().RunOnce();

        // By age alone d21, d40 and d300 would go.
        Assert.Equal(0, deletedEvents);
        Assert.Equal(6, factory.Services.GetRequiredService<EventStore>().Events.Count());
    }

    /// <summary>User u1, video v1, and events d0, d5, d19, d21, d40, d300 that many days before the newest; returns the newest's time.</summary>
    private static async Task<DateTime> PostEventsAgedAsync(RecEngineFactory factory)
    {
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        var newest = TestWorld.Now.AddMinutes(-1);
        var events = new[] { 0, 5, 19, 21, 40, 300 }.Select(days => TestWorld.Event($"d{days}", at: newest.AddDays(-days))).ToArray();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", events));
        return newest;
    }

    [Fact]
    public async Task The_retention_pass_runs_one_interval_after_start_and_then_on_its_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Events:Retention"] = "20.00:00:00", ["RecEngine:Events:RetentionKeepsNewest"] = "0" }, time);
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        var newest = TestWorld.Now.AddMinutes(-1);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("new", at: newest), TestWorld.Event("old", at: newest.AddDays(-40)) }));
        var store = factory.Services.GetRequiredService<EventStore>();
        Assert.Equal(2, store.Count());

        time.Advance(TimeSpan.FromHours(1));
        var deadline = DateTime.UtcNow + HangGuard;
        while (store.Events.FindById("old") is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention pass did not run after its interval");
            await Task.Delay(20);
        }

        Assert.NotNull(store.Events.FindById("new"));
    }

    [Fact]
    public async Task A_retention_shorter_than_the_training_window_fails_at_start()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Events:Retention"] = "10.00:00:00" });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("RecEngine:Events:Retention", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pruning_keeps_the_serving_version_and_the_newest_ones()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Lifecycle:KeepVersions"] = "3" });
        using var client = factory.CreateClient();
        var models = factory.Services.GetRequiredService<DataDirectory>().ModelsPath;
        var versions = Enumerable.Range(1, 7).Select(i => $"v20260101-00000{i}-000").ToList();
        foreach (var version in versions)
        {
            Directory.CreateDirectory(Path.Combine(models, version));
        }

        Directory.CreateDirectory(Path.Combine(models, LeftoverModelCleanup.TempPrefix + "v20260101-000009-000-x"));
        var registry = factory.Services.GetRequiredService<ModelRegistry>();
        registry.Register(Path.Combine(models, versions[1]), "test");
        registry.MarkServing(versions[1], "test");

        var pruned = factory.Services.GetRequiredService<ModelPruning>().Prune();

        Assert.Equal([versions[0], versions[2], versions[3]], pruned.Order(StringComparer.Ordinal));
        Assert.Equal([versions[1], versions[4], versions[5], versions[6]], Directory.GetDirectories(models).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal));
        Assert.NotNull(registry.Get(versions[1]));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.01", 40)]
    public async Task Requests_for_unknown_user_ids_store_at_most_the_sampled_share_of_slates(string share, int maxStored)
    {
        const int unknownRequests = 1500;
        await using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Serving:UnknownUserSlateShare"] = share,
            ["RecEngine:Features:UserCacheCapacity"] = "16",
        });
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "known");
        await TestWorld.AddVideoAsync(client, "v1");
        var cache = factory.Services.GetRequiredService<UserFeatureCache>();

        for (var i = 0; i < unknownRequests; i++)
        {
            using var response = await client.GetAsync($"/v1/recommendations/new-user-{i}?k=5");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        }

        // A known user's slate is stored; the log is written in order, so once it is, every slate before it was decided.
        using (var known = await client.GetAsync("/v1/recommendations/known?k=5"))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, known);
        }

        var store = factory.Services.GetRequiredService<EventStore>();
        var deadline = DateTime.UtcNow + HangGuard;
        while (!store.Slates.Exists(s => s.UserId == "known"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the known user's slate was never stored");
            await Task.Delay(20);
        }

        var unknownStored = store.Slates.Count(s => s.UserId != "known");
        Assert.InRange(unknownStored, 0, maxStored);

        // An add (a request's load, or a commit's new user) evicts right after it, so a reader in between sees one
        // user over the capacity (17 of 16 once under CI load); the capacity must hold once the adds are done.
        while (cache.Count > cache.Capacity)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the user cache holds {cache.Count} users, over its capacity of {cache.Capacity}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task The_user_cache_stays_within_its_capacity_as_events_bring_new_users()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Features:UserCacheCapacity"] = "16" });
        using var client = factory.CreateClient();
        IngestTestData.Seed(factory.Services.GetRequiredService<CatalogService>(), users: 200, videos: 5);
        var cache = factory.Services.GetRequiredService<UserFeatureCache>();
        for (var batch = 0; batch < 10; batch++)
        {
            // Twenty users not seen before in each batch.
            var events = IngestTestData.Events($"b{batch}", 100, users: 200, videos: 5);
            for (var i = 0; i < events.Count; i++)
            {
                events[i].UserId = IngestTestData.UserId((batch * 20) + (i % 20));
            }

            await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", events, TestJson.Options));
            _ = cache.Get(IngestTestData.UserId(batch));
            Assert.InRange(cache.Count, 0, cache.Capacity);
        }
    }
}
