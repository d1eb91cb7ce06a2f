using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;
using Xunit.Abstractions;

namespace RecEngine.Tests.Integration;

/// <summary>
/// Kills the real server process with SIGKILL while batches stream in, restarts it on the same data
/// directory, and checks what LiteDB recovered against what the clients were told.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Users = 20, Videos = 50, Senders = 3, BatchSize = 200, KillAfterBatches = 25;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigkill_mid_stream_keeps_every_acknowledged_event_exactly_once()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", "crash-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The catalog goes straight into the file; a non-empty store also means serve skips first-run set-up.
            IngestTestData.SeedDataDirectory(dataDir, Users, Videos);
            var log = new StreamLog();

            await using (var server = await RecEngineProcess.StartAsync(dataDir, StartTimeout))
            {
                using var client = server.CreateClient();
                var senders = Enumerable.Range(0, Senders).Select(s => SendUntilCutOffAsync(client, s, log)).ToArray();
                await PollAsync(
                    () => log.AcknowledgedCount >= KillAfterBatches && log.InFlight > 0,
                    () => $"{KillAfterBatches} acknowledged batches with more in flight (errors: {string.Join("; ", log.Errors)})\n{server.Output}");
                await server.KillAsync();
                await Task.WhenAll(senders).WaitAsync(HangGuard);
                Assert.True(log.Errors.IsEmpty, $"unexpected answers before the kill: {string.Join("; ", log.Errors)}\n{server.Output}");
            }

            // Mid-stream: some batch was on the wire and never answered.
            Assert.NotEmpty(log.Unanswered);

            await using (var server = await RecEngineProcess.StartAsync(dataDir, StartTimeout))
            {
                using var client = server.CreateClient();
                using (var user = await client.GetAsync($"v1/users/{IngestTestData.UserId(0)}"))
                {
                    await HttpAssert.StatusAsync(HttpStatusCode.OK, user);
                }

                // What a retrying client sees: every acknowledged batch is already there, in full.
                foreach (var batch in log.Acknowledged)
                {
                    using var response = await client.PostAsJsonAsync("v1/events", batch, TestJson.Options);
                    await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
                    var result = await response.Content.ReadFromJsonAsync<IngestResponse>(TestJson.Options);
                    Assert.True(result == new IngestResponse(0, BatchSize), $"re-posting acknowledged batch {batch[0].EventId}: {result}");
                }
            }

            AssertStore(dataDir, log);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not worth failing a test for.
            }
        }
    }

    /// <summary>Opens the file after the last process is gone and counts what it holds, through each index.</summary>
    private void AssertStore(string dataDir, StreamLog log)
    {
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        using var events = new EventStore(store);
        var stored = events.Events.FindAll().ToDictionary(e => e.EventId, StringComparer.Ordinal);
        var sent = log.Sent.SelectMany(b => b).ToDictionary(e => e.EventId!, StringComparer.Ordinal);
        output.WriteLine($"batches: {log.Acknowledged.Count} acknowledged, {log.Unanswered.Count} unanswered, {log.Refused.Count} refused; events stored: {stored.Count}");

        Assert.Equal(stored.Count, events.Count());
        Assert.Equal(stored.Count, events.InWindow(DateTime.MinValue, DateTime.MaxValue).Count());
        Assert.Equal(stored.Count, Enumerable.Range(0, Users).Sum(u => events.ForUser(IngestTestData.UserId(u), int.MaxValue).Count));
        Assert.All(stored.Keys, id => Assert.True(sent.ContainsKey(id), $"stored event {id} was never sent"));

        foreach (var batch in log.Acknowledged)
        {
            foreach (var input in batch)
            {
                Assert.True(stored.TryGetValue(input.EventId!, out var ev), $"acknowledged event {input.EventId} is missing after the crash");
                Assert.Equal((input.UserId, input.VideoId, input.Timestamp), (ev.UserId, ev.VideoId, (DateTime?)ev.Timestamp));
            }
        }

        // A batch that was not acknowledged is one transaction: all of it or none of it.
        foreach (var batch in log.Unanswered.Concat(log.Refused))
        {
            var present = batch.Count(e => stored.ContainsKey(e.EventId!));
            Assert.True(present == 0 || present == batch.Count, $"unacknowledged batch {batch[0].EventId} is partly stored: {present}/{batch.Count}");
        }

        Assert.All(log.Refused.SelectMany(b => b), e => Assert.False(stored.ContainsKey(e.EventId!), $"event {e.EventId} of a 503 batch was stored"));
        var acknowledged = log.Acknowledged.Sum(b => b.Count);
        Assert.InRange(stored.Count, acknowledged, acknowledged + log.Unanswered.Sum(b => b.Count));
    }

    /// <summary>Posts fresh batches back to back until the connection dies (the kill) or the guard runs out.</summary>
    private static async Task SendUntilCutOffAsync(HttpClient client, int sender, StreamLog log)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        for (var b = 0; !guard.IsCancellationRequested; b++)
        {
            var batch = IngestTestData.Events($"s{sender}b{b}", BatchSize, Users, Videos);
            log.Sent.Add(batch);
            HttpResponseMessage response;
            Interlocked.Increment(ref log.InFlight);
            try
            {
                response = await client.PostAsJsonAsync("v1/events", batch, TestJson.Options, guard.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                log.Unanswered.Add(batch);
                return;
            }
            finally
            {
                Interlocked.Decrement(ref log.InFlight);
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    log.Refused.Add(batch);
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK || !body.Contains($"\"accepted\":{BatchSize}", StringComparison.Ordinal))
                {
                    log.Errors.Add($"{(int)response.StatusCode} for {batch[0].EventId}: {body}");
                    return;
                }

                log.Acknowledged.Add(batch);
                Interlocked.Increment(ref log.AcknowledgedCount);
            }
        }
    }

    private static async Task PollAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what());
            await Task.Delay(2);
        }
    }

    private sealed class StreamLog
    {
        public int InFlight;
        public int AcknowledgedCount;

        public ConcurrentBag<List<EventInput>> Sent { get; } = [];

        public ConcurrentBag<List<EventInput>> Acknowledged { get; } = [];

        public ConcurrentBag<List<EventInput>> Unanswered { get; } = [];

        public ConcurrentBag<List<EventInput>> Refused { get; } = [];

        public ConcurrentBag<string> Errors { get; } = [];
    }
}
