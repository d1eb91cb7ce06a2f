using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Api;
using RecEngine.Catalog.Storage;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Events;

/// <summary>The store's files fail as a full disk does (the <see cref="StorageFaults"/> seam), and a commit that never ends.</summary>
public sealed class StorageFaultTests
{
    /// <summary>Only a guard against hanging forever; no test measures speed.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task A_failing_disk_answers_503_turns_ready_503_and_ingestion_resumes_when_it_clears(int writesBeforeFailing)
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Serving:ReadyWithoutModel"] = "true",
            ["RecEngine:Events:RetryAfterSeconds"] = "4",
        });
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        var faults = factory.Services.GetRequiredService<StorageFaults>();
        Assert.Equal(new IngestResponse(1, 0), await PostAsync(client, [TestWorld.Event("before")]));
        await UntilReadyAsync(client, HttpStatusCode.OK);

        // A batch of many pages, so with some writes let through the commit is torn part-way.
        var batch = Enumerable.Range(0, 300).Select(i => TestWorld.Event($"during-{i}")).ToArray();
        faults.FailAfterWrites(writesBeforeFailing);
        using (var refused = await client.PostAsJsonAsync("/v1/events", batch))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, refused);
            Assert.Equal("4", Assert.Single(refused.Headers.GetValues("Retry-After")));
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        // Reads while the store reopens: answered, or 503 with Retry-After; never a 500.
        for (var i = 0; i < 5; i++)
        {
            using var read = await client.GetAsync("/v1/users/u1/features");
            Assert.True(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}");
            Assert.True(read.StatusCode == HttpStatusCode.OK || read.Headers.RetryAfter is not null, "503 without Retry-After");
        }

        var notReady = await UntilReadyAsync(client, HttpStatusCode.ServiceUnavailable);
        Assert.Contains(notReady.GetProperty("missing").EnumerateArray(), m => m.GetString()!.StartsWith("writer: the last commit failed: No space left", StringComparison.Ordinal));
        using (var stillRefused = await client.PostAsJsonAsync("/v1/events", batch))
        {
            await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, stillRefused);
        }

        // The disk has room again: no restart, the same batch is stored whole (nothing of it was half-written).
        faults.FailWrites = false;
        await UntilReadyAsync(client, HttpStatusCode.OK);
        Assert.Equal(new IngestResponse(300, 0), await PostAsync(client, batch));
        Assert.Equal(301, factory.Services.GetRequiredService<EventStore>().Count());
        Assert.Equal(301, factory.Services.GetRequiredService<UserFeatureCache>().Get("u1").Watches);

        // Nothing the failure left behind has a finalizer that throws (LiteDB's half-committed transactions did, and
        // ended the process): run the finalizers now rather than at some later collection.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(301, factory.Services.GetRequiredService<EventStore>().Count());
    }

    [Fact]
    public async Task An_acknowledged_batch_was_flushed_to_stable_storage()
    {
        using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        var faults = factory.Services.GetRequiredService<StorageFaults>();
        var before = faults.Syncs;
        Assert.Equal(new IngestResponse(1, 0), await PostAsync(client, [TestWorld.Event("e1")]));
        Assert.True(faults.Syncs > before, "no fsync between the commit and the answer");
        before = faults.Syncs;
        await TestWorld.AddVideoAsync(client, "v2");
        Assert.True(faults.Syncs > before, "no fsync between a catalog write and its answer");

        // A flush that fails is not acknowledged either.
        faults.FailWrites = true;
        using var refused = await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("e2") });
        await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, refused);
        faults.FailWrites = false;
    }

    [Fact]
    public async Task A_request_waiting_on_a_stuck_commit_gets_503_and_ready_says_why()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gate = new CommitGate(HangGuard);
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Serving:ReadyWithoutModel"] = "true",
            ["RecEngine:Events:CommitTimeout"] = "00:00:05",
        }, time);
        using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IEventCommitListener>(gate)));
        using var client = app.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");

        var waiting = client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("stuck") });
        await Guard(gate.Entered, "the writer to reach the commit listener");
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(6));

        using var timedOut = await Guard(waiting, "the request waiting on the stuck commit");
        await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, timedOut);
        Assert.Single(timedOut.Headers.GetValues("Retry-After"));
        var problem = await timedOut.Content.ReadFromJsonAsync<ProblemDetails>(TestJson.Options);
        Assert.Contains("retrying it is safe", problem!.Detail, StringComparison.Ordinal);
        var ready = await ReadyAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains(ready.Body.GetProperty("missing").EnumerateArray(), m => m.GetString()!.StartsWith("writer:", StringComparison.Ordinal));

        // Once the commit completes, the retry finds the batch stored and ready is back.
        gate.Open();
        await UntilReadyAsync(client, HttpStatusCode.OK);
        Assert.Equal(new IngestResponse(0, 1), await PostAsync(client, [TestWorld.Event("stuck")]));
    }

    private static async Task<IngestResponse> PostAsync(HttpClient client, object[] events)
    {
        using var response = await Guard(client.PostAsJsonAsync("/v1/events", events), "POST /v1/events");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return (await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options))!;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    private static async Task<JsonElement> UntilReadyAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (true)
        {
            var (status, body) = await ReadyAsync(client);
            if (status == expected)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/health/ready never answered {expected}: {(int)status} {body}");
            await Task.Delay(20);
        }
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
}
