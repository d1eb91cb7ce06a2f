using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Api;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Events;

public sealed class EventsApiTests : IAsyncLifetime
{
    private readonly RecEngineFactory _factory = new(new Dictionary<string, string?> { ["RecEngine:Events:MaxBodyBytes"] = "65536", ["RecEngine:Events:MaxBatchSize"] = "100" });
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        await TestWorld.AddUserAsync(_client, "u1");
        await TestWorld.AddUserAsync(_client, "u2");
        await TestWorld.AddVideoAsync(_client, "v1", durationSeconds: 100);
        await TestWorld.AddVideoAsync(_client, "v2", durationSeconds: 50);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private long StoredEvents() => _factory.Services.GetRequiredService<EventStore>().Count();

    [Fact]
    public async Task SingleEventIsCommittedAndStored()
    {
        var response = await _client.PostAsJsonAsync("/v1/events", TestWorld.Event("e1"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options);
        Assert.Equal(new IngestResponse(1, 0), body);
        var stored = _factory.Services.GetRequiredService<EventStore>().Events.FindById("e1");
        Assert.NotNull(stored);
        Assert.Equal(EventType.Watch, stored.Type);
        Assert.Equal(30, stored.WatchSeconds);
        Assert.Equal("mobile", stored.Device);
    }

    [Fact]
    public async Task RetriedBatchIsStoredOnce()
    {
        var batch = Enumerable.Range(0, 20).Select(i => TestWorld.Event($"b{i}", video: i % 2 == 0 ? "v1" : "v2", watchSeconds: 10)).ToArray();
        var first = await _client.PostAsJsonAsync("/v1/events", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, first);
        var retry = await _client.PostAsJsonAsync("/v1/events", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, retry);

        Assert.Equal(new IngestResponse(20, 0), await first.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options));
        Assert.Equal(new IngestResponse(0, 20), await retry.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options));
        Assert.Equal(20, StoredEvents());
    }

    [Fact]
    public async Task APartlyRetriedBatchStoresOnlyTheNewEvents()
    {
        var first = Enumerable.Range(0, 10).Select(i => TestWorld.Event($"p{i}")).ToArray();
        var overlapping = Enumerable.Range(5, 10).Select(i => TestWorld.Event($"p{i}")).ToArray();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _client.PostAsJsonAsync("/v1/events", first));
        var response = await _client.PostAsJsonAsync("/v1/events", overlapping);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);

        Assert.Equal(new IngestResponse(5, 5), await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options));
        Assert.Equal(15, StoredEvents());
        var features = await _client.GetFromJsonAsync<FeaturesView>("/v1/users/u1/features", TestJson.Options);
        Assert.Equal(15, features!.Watches);
    }

    [Fact]
    public async Task DuplicateIdsInsideOneBatchAreStoredOnce()
    {
        var batch = new[] { TestWorld.Event("same"), TestWorld.Event("same") };
        var response = await _client.PostAsJsonAsync("/v1/events", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal(new IngestResponse(1, 1), await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options));
        Assert.Equal(1, StoredEvents());
    }

    [Fact]
    public async Task BadBatchWritesNothingAndNamesEachBadEventAndField()
    {
        var batch = new object[]
        {
            TestWorld.Event("ok1"),
            TestWorld.Event("bad1", user: "nobody"),
            TestWorld.Event("bad2", video: "novideo"),
            TestWorld.Event("bad3", watchSeconds: -1),
            TestWorld.Event("bad4", video: "v2", watchSeconds: 501),
            TestWorld.Event("bad5", at: DateTime.UtcNow.AddHours(2)),
            TestWorld.Event("bad6", type: "teleport"),
            new { user_id = "u1", video_id = "v1", type = "watch", timestamp = DateTime.UtcNow },
            new { event_id = "bad8", type = "click", timestamp = DateTime.UtcNow },
            new { event_id = "bad9", user_id = "u1", video_id = "v1", type = "click" },
        };
        var response = await _client.PostAsJsonAsync("/v1/events", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.NotNull(problem);
        Assert.Contains("[1].user_id", problem.Errors.Keys);
        Assert.Contains("[2].video_id", problem.Errors.Keys);
        Assert.Contains("[3].watch_seconds", problem.Errors.Keys);
        Assert.Contains("[4].watch_seconds", problem.Errors.Keys);
        Assert.Contains("[5].timestamp", problem.Errors.Keys);
        Assert.Contains("[6].type", problem.Errors.Keys);
        Assert.Contains("[7].event_id", problem.Errors.Keys);
        Assert.Contains("[8].user_id", problem.Errors.Keys);
        Assert.Contains("[8].video_id", problem.Errors.Keys);
        Assert.Contains("[9].timestamp", problem.Errors.Keys);
        Assert.DoesNotContain(problem.Errors.Keys, k => k.StartsWith("[0]", StringComparison.Ordinal));
        Assert.Equal(0, StoredEvents());
    }

    [Theory]
    [InlineData("click,watch")]
    [InlineData("Click, Watch")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("0x2")]
    [InlineData(" watch")]
    [InlineData("")]
    public async Task TypeThatIsNotExactlyOneNameIsRefusedNamingTheField(string type)
    {
        var response = await _client.PostAsJsonAsync("/v1/events", TestWorld.Event("t1", type: type));
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains("type", problem!.Errors.Keys);
        Assert.Equal(0, StoredEvents());
    }

    [Theory]
    [InlineData("WATCH", EventType.Watch)]
    [InlineData("like", EventType.Like)]
    [InlineData("Hide", EventType.Hide)]
    public void TypeNamesParseInAnyCase(string type, EventType expected)
    {
        Assert.True(EventValidator.TryParseType(type, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public async Task WatchSecondsUpToTenTimesTheDurationAreAccepted()
    {
        var response = await _client.PostAsJsonAsync("/v1/events", TestWorld.Event("rewatch", video: "v2", watchSeconds: 500));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Theory]
    [InlineData("{\"event_id\": \"x\",")]
    [InlineData("[1, 2, 3]")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task MalformedJsonIsA400ProblemDetails(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/events", content);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(400, problem?.Status);
        Assert.False(string.IsNullOrEmpty(problem?.Title));
        Assert.Equal(0, StoredEvents());
    }

    [Fact]
    public async Task WrongJsonTypeNamesThePath()
    {
        using var content = new StringContent("[{\"event_id\":\"a\",\"watch_seconds\":\"lots\"}]", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/events", content);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("$[0].watch_seconds", problem?.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyEventsIsRefused()
    {
        var batch = Enumerable.Range(0, 101).Select(i => TestWorld.Event($"m{i}")).ToArray();
        var response = await _client.PostAsJsonAsync("/v1/events", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains("events", problem!.Errors.Keys);
        Assert.Equal(0, StoredEvents());
    }

    [Fact]
    public async Task OversizedBodyIsA413()
    {
        var padding = new string('x', 70_000);
        using var content = new StringContent(JsonSerializer.Serialize(new[] { new { event_id = padding } }), Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/events", content);
        await HttpAssert.StatusAsync(HttpStatusCode.RequestEntityTooLarge, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(413, problem?.Status);
    }

    [Fact]
    public async Task CommittedEventsUpdateOnlineUserFeatures()
    {
        // Load u1 into the cache first, so the update must come from the commit listener, not a reload.
        var before = await _client.GetFromJsonAsync<FeaturesView>("/v1/users/u1/features", TestJson.Options);
        Assert.Equal(0, before!.Watches);

        var t0 = DateTime.UtcNow.AddMinutes(-10);
        var batch = new[]
        {
            TestWorld.Event("f1", video: "v1", watchSeconds: 40, at: t0),
            TestWorld.Event("f2", video: "v2", watchSeconds: 20, at: t0.AddMinutes(1)),
            TestWorld.Event("f3", video: "v2", type: "hide", watchSeconds: 0, at: t0.AddMinutes(2)),
            TestWorld.Event("f4", video: "v1", type: "impression", watchSeconds: 0, at: t0.AddMinutes(3)),
            TestWorld.Event("f5", user: "u2", video: "v1", watchSeconds: 5, at: t0),
        };
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _client.PostAsJsonAsync("/v1/events", batch));
        // A retry must not count twice.
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _client.PostAsJsonAsync("/v1/events", batch));

        var after = await _client.GetFromJsonAsync<FeaturesView>("/v1/users/u1/features", TestJson.Options);
        Assert.NotNull(after);
        Assert.Equal(2, after.Watches);
        Assert.Equal(60, after.WatchSeconds);
        Assert.Equal(1, after.Hides);
        Assert.Equal(1, after.Impressions);
        Assert.Equal(["v2", "v1"], after.RecentWatches.Select(w => w.VideoId));
        Assert.Contains("v2", after.Hidden);

        // A fresh load from the store agrees with the incrementally maintained features.
        var cache = new UserFeatureCache(_factory.Services.GetRequiredService<EventStore>(), Microsoft.Extensions.Options.Options.Create(new FeaturesOptions()));
        var reloaded = cache.Get("u1");
        Assert.Equal(after.Watches, reloaded.Watches);
        Assert.Equal(after.WatchSeconds, reloaded.WatchSeconds);
        Assert.Equal(after.RecentWatches, reloaded.RecentWatches);
    }

    [Fact]
    public async Task FeaturesOfUnknownUserAre404()
    {
        var response = await _client.GetAsync("/v1/users/ghost/features");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
    }

    private sealed record FeaturesView(long Watches, double WatchSeconds, long Hides, long Impressions, List<RecentWatch> RecentWatches, List<string> Hidden);
}
