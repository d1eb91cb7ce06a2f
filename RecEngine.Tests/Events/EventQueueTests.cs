using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Events;

/// <summary>The group-commit writer under pressure: a full queue, concurrent and retried batches.</summary>
public sealed class EventQueueTests
{
    /// <summary>Only a guard against hanging forever; no test measures speed.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("RecEngine:Events:QueueCapacity", "1", 1)]
    [InlineData("RecEngine:Events:MaxPendingEvents", "15", 0)]
    public async Task Full_queue_answers_503_with_retry_after_at_once_and_writes_nothing(string key, string value, int queued)
    {
        using var gate = new CommitGate(HangGuard);
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            [key] = value,
            ["RecEngine:Events:RetryAfterSeconds"] = "7",
        });
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IEventCommitListener>(gate)));
        IngestTestData.Seed(app.Services.GetRequiredService<CatalogService>(), users: 5, videos: 5);
        var writer = app.Services.GetRequiredService<EventWriter>();
        var store = app.Services.GetRequiredService<EventStore>();
        using var client = app.CreateClient();

        // The writer takes the first batch, commits it and is then held inside the commit by the gate.
        var first = client.PostAsJsonAsync("/v1/events", Batch("first"), TestJson.Options);
        await Guard(gate.Entered, "the writer to reach the commit listener");

        // Batches that still fit wait in the queue.
        var waiting = new List<Task<HttpResponseMessage>>();
        for (var q = 0; q < queued; q++)
        {
            waiting.Add(client.PostAsJsonAsync("/v1/events", Batch($"queued{q}"), TestJson.Options));
            var expected = 10L * (q + 2);
            await PollAsync(() => writer.PendingEvents == expected, $"pending events to reach {expected}");
        }

        // The next one finds the queue full and is refused without waiting for the writer.
        using var refused = await Guard(client.PostAsJsonAsync("/v1/events", Batch("refused"), TestJson.Options), "a batch sent to a full queue");
        await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal("7", Assert.Single(refused.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>(TestJson.Options);
        Assert.Equal(503, problem?.Status);
        Assert.False(string.IsNullOrEmpty(problem?.Title));
        Assert.Null(store.Events.FindById("refused-0"));

        // Nothing accepted is answered before its commit completes.
        Assert.False(first.IsCompleted, "the held batch was answered before its commit finished");
        Assert.All(waiting, w => Assert.False(w.IsCompleted, "a queued batch was answered before the writer took it"));

        gate.Open();
        foreach (var accepted in waiting.Prepend(first))
        {
            using var response = await Guard(accepted, "an accepted batch once the writer was released");
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
            Assert.Equal(new IngestResponse(10, 0), await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options));
        }

        Assert.Equal(10L * (1 + queued), store.Count());
        Assert.Equal(0, writer.PendingEvents);

        // A refused batch is simply retried; a retried acknowledged batch is all duplicates.
        Assert.Equal(new IngestResponse(10, 0), await PostAsync(client, Batch("refused")));
        Assert.Equal(new IngestResponse(0, 10), await PostAsync(client, Batch("first")));
        Assert.Equal(10L * (2 + queued), store.Count());
        Assert.All(Batch("first").Concat(Batch("refused")), e => Assert.NotNull(store.Events.FindById(e.EventId)));
    }

    [Fact]
    public async Task Concurrent_overlapping_batches_store_each_event_once_and_features_count_it_once()
    {
        const int users = 4, requests = 8, perRequest = 100, stride = 50;
        using var factory = new RecEngineFactory();
        IngestTestData.Seed(factory.Services.GetRequiredService<CatalogService>(), users, videos: 10);
        var features = factory.Services.GetRequiredService<UserFeatureCache>();
        var store = factory.Services.GetRequiredService<EventStore>();
        // Cache every user first, so each commit updates their features through the listener.
        for (var u = 0; u < users; u++)
        {
            Assert.Equal(0, features.Get(IngestTestData.UserId(u)).Impressions);
        }

        var all = IngestTestData.Events("ev", (requests - 1) * stride + perRequest, users, videos: 10);
        using var client = factory.CreateClient();
        // Request r carries events [r*stride, r*stride+perRequest): neighbours share half their ids, and each
        // batch also repeats its own first event, so duplicates arrive within a batch, a commit and across commits.
        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(r =>
        {
            var batch = all.Skip(r * stride).Take(perRequest).ToList();
            batch.Add(batch[0]);
            return PostAsync(client, batch);
        }));

        Assert.Equal(all.Count, responses.Sum(r => r.Accepted));
        Assert.Equal(requests * (perRequest + 1), responses.Sum(r => r.Accepted + r.Duplicates));
        Assert.Equal(all.Count, store.Count());
        for (var u = 0; u < users; u++)
        {
            var userId = IngestTestData.UserId(u);
            var mine = all.Where(e => e.UserId == userId).ToList();
            var online = features.Get(userId);
            Assert.Equal(mine.Count(e => e.Type == "impression"), online.Impressions);
            Assert.Equal(mine.Count(e => e.Type == "watch"), online.Watches);
            Assert.Equal(mine.Count, store.ForUser(userId, int.MaxValue).Count);
        }
    }

    private static List<EventInput> Batch(string prefix) => IngestTestData.Events(prefix, 10, users: 5, videos: 5);

    private static async Task<IngestResponse> PostAsync(HttpClient client, IReadOnlyList<EventInput> events)
    {
        using var response = await Guard(client.PostAsJsonAsync("/v1/events", events, TestJson.Options), "POST /v1/events");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return (await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options))!;
    }

    private static async Task<T> Guard<T>(Task<T> task, string what)
    {
        await Guard((Task)task, what);
        return await task;
    }

    private static async Task Guard(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(HangGuard)) != task)
        {
            Assert.Fail($"Hung: no answer within {HangGuard.TotalSeconds} s waiting for {what}.");
        }

        await task;
    }

    private static async Task PollAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }
}
