using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Api;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Events;

/// <summary>A stored event id keeps its first payload: a retry is counted as a duplicate and never rewrites it.</summary>
public sealed class EventIdempotencyTests : IAsyncLifetime
{
    private readonly RecEngineFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        foreach (var user in new[] { "u1", "u2", "u3" })
        {
            await TestWorld.AddUserAsync(_client, user);
        }

        await TestWorld.AddVideoAsync(_client, "v1");
        await TestWorld.AddVideoAsync(_client, "v2");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_retried_id_with_a_different_payload_keeps_the_first_payload()
    {
        Assert.Equal(new IngestResponse(1, 0), await PostAsync(_client, TestWorld.Event("ovr-1", user: "u1", video: "v1")));
        Assert.Equal(new IngestResponse(0, 1), await PostAsync(_client, TestWorld.Event("ovr-1", user: "u2", video: "v2", type: "like")));
        // In a batch with a new event: the slow path (some ids stored) must not replace the stored one either.
        Assert.Equal(new IngestResponse(1, 1), await PostAsync(_client, new[] { TestWorld.Event("ovr-1", user: "u3", video: "v2"), TestWorld.Event("new-1", user: "u3") }));

        AssertStored(_factory, "ovr-1", "u1", "v1", EventType.Watch);
        // Listeners heard only the first copy: u2 has no event, u3 only new-1.
        var features = _factory.Services.GetRequiredService<UserFeatureCache>();
        Assert.Equal(1, features.Get("u1").Watches);
        Assert.Equal(0, features.Get("u2").Watches + features.Get("u2").Likes);
        Assert.Equal(1, features.Get("u3").Watches);
    }

    [Fact]
    public async Task Within_one_batch_the_first_copy_wins()
    {
        var batch = new[] { TestWorld.Event("dup-1", user: "u1", video: "v1"), TestWorld.Event("dup-1", user: "u2", video: "v2") };
        Assert.Equal(new IngestResponse(1, 1), await PostAsync(_client, batch));
        AssertStored(_factory, "dup-1", "u1", "v1", EventType.Watch);

        // The same with an already stored id in the batch (the insert-new-only path).
        Assert.Equal(new IngestResponse(1, 0), await PostAsync(_client, TestWorld.Event("first", user: "u3")));
        Assert.Equal(new IngestResponse(1, 2), await PostAsync(_client, new[] { TestWorld.Event("first", user: "u1"), TestWorld.Event("dup-2", user: "u1"), TestWorld.Event("dup-2", user: "u2", video: "v2") }));
        AssertStored(_factory, "first", "u3", "v1", EventType.Watch);
        AssertStored(_factory, "dup-2", "u1", "v1", EventType.Watch);
    }

    [Fact]
    public async Task Within_one_commit_group_the_first_request_wins_and_stored_ids_are_kept()
    {
        var writer = _factory.Services.GetRequiredService<EventWriter>();
        var store = _factory.Services.GetRequiredService<EventStore>();
        Commit(writer, [Ev("stored", "u1", "v1")]);

        // One group of two requests: both carry "g-1" with different payloads, the second also a stored id.
        var first = Pending([Ev("g-1", "u1", "v1"), Ev("g-2", "u1", "v2")]);
        var second = Pending([Ev("g-1", "u2", "v2"), Ev("stored", "u3", "v2"), Ev("g-3", "u2", "v1")]);
        writer.CommitGroup([first, second], 5);

        Assert.Equal(new CommitResult(2, 0), await first.Completion.Task);
        Assert.Equal(new CommitResult(1, 2), await second.Completion.Task);
        AssertStored(_factory, "g-1", "u1", "v1", EventType.Watch);
        AssertStored(_factory, "stored", "u1", "v1", EventType.Watch);
        Assert.Equal(4, store.Count());
    }

    [Fact]
    public async Task A_retry_after_a_restart_keeps_the_first_payload()
    {
        using (var before = new RecEngineFactory(dataDir: _factory.DataDir + "-restart"))
        {
            using var client = before.CreateClient();
            await TestWorld.AddUserAsync(client, "u1");
            await TestWorld.AddUserAsync(client, "u2");
            await TestWorld.AddVideoAsync(client, "v1");
            await TestWorld.AddVideoAsync(client, "v2");
            Assert.Equal(new IngestResponse(1, 0), await PostAsync(client, TestWorld.Event("ovr-1", user: "u1", video: "v1")));
        }

        using var after = new RecEngineFactory(dataDir: _factory.DataDir + "-restart");
        try
        {
            using var client = after.CreateClient();
            Assert.Equal(new IngestResponse(1, 1), await PostAsync(client, new[] { TestWorld.Event("ovr-1", user: "u2", video: "v2"), TestWorld.Event("n", user: "u2") }));
            AssertStored(after, "ovr-1", "u1", "v1", EventType.Watch);
            var features = after.Services.GetRequiredService<UserFeatureCache>();
            Assert.Equal(1, features.Get("u1").Watches);
            Assert.Equal(1, features.Get("u2").Watches);
        }
        finally
        {
            await after.DisposeAsync();
            Directory.Delete(_factory.DataDir + "-restart", recursive: true);
        }
    }

    [Fact]
    public void The_bulk_import_path_never_rewrites_either()
    {
        var store = _factory.Services.GetRequiredService<EventStore>();
        Assert.Equal(2, store.InsertNewBulk([Ev("imp-1", "u1", "v1"), Ev("imp-2", "u1", "v2"), Ev("imp-1", "u2", "v2")]));
        Assert.Equal(1, store.InsertNewBulk([Ev("imp-2", "u3", "v1"), Ev("imp-3", "u3", "v1")]));
        AssertStored(_factory, "imp-1", "u1", "v1", EventType.Watch);
        AssertStored(_factory, "imp-2", "u1", "v2", EventType.Watch);
    }

    private static InteractionEvent Ev(string id, string user, string video) =>
        new() { EventId = id, UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = 10, Timestamp = TestWorld.Now.AddMinutes(-1) };

    private static EventWriter.PendingWrite Pending(IReadOnlyList<InteractionEvent> events) =>
        new(events, new TaskCompletionSource<CommitResult>());

    private static void Commit(EventWriter writer, IReadOnlyList<InteractionEvent> events) =>
        writer.CommitGroup([Pending(events)], events.Count);

    private static void AssertStored(RecEngineFactory factory, string id, string user, string video, EventType type)
    {
        var stored = factory.Services.GetRequiredService<EventStore>().Events.FindById(id);
        Assert.NotNull(stored);
        Assert.Equal((user, video, type), (stored.UserId, stored.VideoId, stored.Type));
    }

    private static async Task<IngestResponse> PostAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/events", body);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return (await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options))!;
    }
}
