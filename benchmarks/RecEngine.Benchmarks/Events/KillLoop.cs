using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Benchmarks.Events;

/// <summary>
/// <c>killloop [--kills 50] [--clients 4] [--batch 200] [--json FILE] [--seed 1]</c>: starts the real server on one
/// data directory, ingests from several clients (new events, plus retries of acknowledged ids with a different
/// payload), SIGKILLs the server at a random moment, restarts it, and repeats. Then checks every acknowledged event
/// against the store: lost (missing), changed (another payload stored) and stored twice.
/// </summary>
internal static class KillLoop
{
    private const int Users = 200, Videos = 500;
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args, "kills", "clients", "batch", "json", "seed");
        if (options is null)
        {
            Console.Error.WriteLine("Usage: killloop [--kills 50] [--clients 4] [--batch 200] [--json FILE] [--seed 1]");
            return 2;
        }

        var kills = options.Int("kills", 50);
        var clients = options.Int("clients", 4);
        var batch = options.Int("batch", 200);
        var random = new Random(options.Int("seed", 1));
        var json = new JsonSerializerOptions(ServiceDefaults.Json) { WriteIndented = false };
        var root = Path.Combine(Path.GetTempPath(), "recengine-killloop-" + Guid.NewGuid().ToString("N"));
        var acknowledged = new ConcurrentDictionary<string, EventInput>(StringComparer.Ordinal);
        var statuses = new ConcurrentDictionary<int, int>();
        long sentBatches = 0, ackedBatches = 0, failedBatches = 0, retriesSent = 0, retriesCountedDuplicate = 0;
        try
        {
            SeedCatalog(root);
            Console.WriteLine($"killloop: {kills} SIGKILLs mid-ingestion, {clients} clients, batches of {batch}; {Environment.ProcessorCount} cores");
            for (var round = 0; round < kills; round++)
            {
                var server = await ServerProcess.StartAsync(root, new Dictionary<string, string>());
                using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                using var stop = new CancellationTokenSource();
                var killAfter = TimeSpan.FromMilliseconds(random.Next(200, 1500));
                var seeds = Enumerable.Range(0, clients).Select(_ => random.Next()).ToArray();
                var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
                {
                    var rnd = new Random(seeds[c]);
                    for (var b = 0; !stop.IsCancellationRequested; b++)
                    {
                        var events = Enumerable.Range(0, batch).Select(i => NewEvent($"r{round}-c{c}-b{b}-{i}", rnd)).ToList();
                        // Retries of acknowledged ids with another payload: must be duplicates and change nothing.
                        var retried = acknowledged.Keys.Take(rnd.Next(0, 5)).Select(id => NewEvent(id, rnd)).ToList();
                        var body = JsonSerializer.SerializeToUtf8Bytes(events.Concat(retried).ToList(), json);
                        Interlocked.Increment(ref sentBatches);
                        try
                        {
                            using var content = new ByteArrayContent(body);
                            content.Headers.ContentType = JsonType;
                            using var response = await http.PostAsync("v1/events", content, stop.Token);
                            if (response.StatusCode != HttpStatusCode.OK)
                            {
                                Interlocked.Increment(ref failedBatches);
                                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                                if (response.Headers.RetryAfter?.Delta is { } wait)
                                {
                                    await Task.Delay(wait, stop.Token);
                                }

                                continue;
                            }

                            var answer = await response.Content.ReadFromJsonAsync<IngestResponse>(ServiceDefaults.Json, stop.Token);
                            foreach (var ev in events)
                            {
                                acknowledged.TryAdd(ev.EventId!, ev);
                            }

                            Interlocked.Increment(ref ackedBatches);
                            Interlocked.Add(ref retriesSent, retried.Count);
                            Interlocked.Add(ref retriesCountedDuplicate, Math.Min(answer!.Duplicates, retried.Count));
                        }
                        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                        {
                            // The kill: this batch was never acknowledged, and the server is gone until the next round.
                            Interlocked.Increment(ref failedBatches);
                            return;
                        }
                    }
                })).ToArray();

                await Task.Delay(killAfter);
                await server.DisposeAsync(); // SIGKILL
                await stop.CancelAsync();
                await Task.WhenAll(workers);
                Console.WriteLine($"  kill {round + 1,2}/{kills} after {killAfter.TotalMilliseconds,5:0} ms: {acknowledged.Count:N0} events acknowledged so far");
            }

            // Check from the files, with no server: the store opens and recovers its log as a restart would.
            using var store = new RecEngineStore(new DataDirectory(root));
            using var events = new EventStore(store);
            long lost = 0, changed = 0;
            foreach (var (id, sent) in acknowledged)
            {
                var stored = events.Events.FindById(id);
                if (stored is null)
                {
                    lost++;
                }
                else if (stored.UserId != sent.UserId || stored.VideoId != sent.VideoId || !string.Equals(stored.Type.ToString(), sent.Type, StringComparison.OrdinalIgnoreCase) || stored.WatchSeconds != sent.WatchSeconds)
                {
                    changed++;
                }
            }

            var all = events.Events.Query().Select(e => e.EventId).ToList();
            var twice = all.Count - all.Distinct(StringComparer.Ordinal).Count();
            Console.WriteLine($"  acknowledged {acknowledged.Count:N0} events in {ackedBatches:N0} of {sentBatches:N0} batches ({failedBatches:N0} cut by a kill or refused; the store may hold events of cut batches, committed before the answer); store holds {all.Count:N0}");
            Console.WriteLine($"  refused batches by status: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
            Console.WriteLine($"  retries of acknowledged ids with another payload: {retriesSent:N0} sent in acknowledged batches, {retriesCountedDuplicate:N0} counted duplicates");
            Console.WriteLine($"  lost {lost}, changed {changed}, stored twice {twice}");
            if (options.String("json") is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["kills"] = kills, ["clients"] = clients, ["batch"] = batch, ["acknowledged"] = acknowledged.Count,
                    ["batches_sent"] = sentBatches, ["batches_acknowledged"] = ackedBatches, ["stored"] = all.Count,
                    ["retries_sent"] = retriesSent, ["retries_duplicate"] = retriesCountedDuplicate,
                    ["lost"] = lost, ["changed"] = changed, ["stored_twice"] = twice,
                }, ServiceDefaults.Json));
            }

            return lost == 0 && changed == 0 && twice == 0 ? 0 : 1;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Temp leftovers only.
            }
        }
    }

    private static EventInput NewEvent(string id, Random rnd)
    {
        var type = rnd.Next(3) switch { 0 => "watch", 1 => "click", _ => "impression" };
        return new EventInput
        {
            EventId = id,
            UserId = $"u{rnd.Next(Users)}",
            VideoId = $"v{rnd.Next(Videos)}",
            Type = type,
            WatchSeconds = type == "watch" ? rnd.Next(1, 30) : 0,
            Timestamp = DateTime.UtcNow.AddSeconds(-rnd.Next(1, 3600)),
        };
    }

    private static void SeedCatalog(string dataDir)
    {
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        var catalog = new CatalogService(store, new CatalogIndex(store));
        var signedUp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        catalog.UpsertUsers(Enumerable.Range(0, Users).Select(i => new User { Id = $"u{i}", Country = "US", Device = User.Devices[i % User.Devices.Length], SignedUpAt = signedUp }));
        catalog.UpsertVideos(Enumerable.Range(0, Videos).Select(i => new Video { Id = $"v{i}", Title = $"Video {i}", Category = $"cat{i % 20}", CreatorId = $"c{i % 50}", DurationSeconds = 60, UploadedAt = signedUp }));
    }
}
