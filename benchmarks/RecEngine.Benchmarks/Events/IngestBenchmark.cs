using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Api;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Benchmarks.Events;

/// <summary>
/// <c>ingest [--events N] [--batch B] [--concurrency C] [--latency-events L] [--thumbnails T] [--json FILE]</c>: durable
/// ingestion over HTTP against the real server process, next to raw LiteDB <c>InsertBulk</c> of the same
/// documents and the in-process writer without HTTP, then single-event latency. With <c>--thumbnails T</c>, what the
/// background thumbnail embedder costs ingestion: T thumbnails are uploaded, and the same number of events is posted
/// while the queue embeds them, then again once it is empty (<see cref="ThumbnailPhaseAsync"/>).
/// </summary>
internal static class IngestBenchmark
{
    private const int Users = 10_000, Videos = 20_000;
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    /// <summary>The <c>/metrics</c> sample counting thumbnails the background embedder has embedded.</summary>
    private const string EmbeddedSample = "recengine_thumbnail_embeddings_total{outcome=\"embedded\"}";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Args.Parse(args, "events", "batch", "concurrency", "latency-events", "json", "seed", "thumbnails");
        if (options is null)
        {
            Console.Error.WriteLine("Usage: ingest [--events 200000] [--batch 1000] [--concurrency 4] [--latency-events 2000] [--thumbnails 0] [--json FILE] [--seed 1]");
            return 2;
        }

        var thumbnails = options.Int("thumbnails", 0);
        if (thumbnails is < 0 or > Videos)
        {
            Console.Error.WriteLine($"--thumbnails must be between 0 and {Videos:N0}; got {thumbnails}.");
            return 2;
        }

        var count = options.Int("events", 200_000);
        var batchSize = options.Int("batch", 1000);
        var concurrency = options.Int("concurrency", 4);
        var latencyEvents = options.Int("latency-events", 2000);
        var random = new Random(options.Int("seed", 1));
        var json = new JsonSerializerOptions(ServiceDefaults.Json) { WriteIndented = false };
        var root = Path.Combine(Path.GetTempPath(), "recengine-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var serverDir = Path.Combine(root, "server");
            SeedCatalog(serverDir);
            var now = DateTime.UtcNow;
            var events = MakeEvents("e", count, random, now);
            var warmup = MakeEvents("w", Math.Min(20 * batchSize, count), random, now);
            var singles = MakeEvents("s", 2 * latencyEvents, random, now);
            Console.WriteLine($"ingest: {count:N0} events in batches of {batchSize:N0}, {concurrency} concurrent clients; {Environment.ProcessorCount} cores");

            var result = new Dictionary<string, object>
            {
                ["events"] = count,
                ["batch"] = batchSize,
                ["concurrency"] = concurrency,
                ["processors"] = Environment.ProcessorCount,
            };
            // The raw baseline runs before and after the server; on a shared machine the mean of the two is the fairer yardstick.
            var rawBefore = RawInsertBulk(Path.Combine(root, "raw-before"), events);
            await using (var server = await ServerProcess.StartAsync(serverDir, new Dictionary<string, string>()))
            {
                using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
                await PostBatchesAsync(client, Serialize(warmup, batchSize, json), concurrency);
                var bodies = Serialize(events, batchSize, json);
                var serverCpu = server.CpuTime;
                var clientCpu = SelfCpu();
                var started = Stopwatch.GetTimestamp();
                var retries = await PostBatchesAsync(client, bodies, concurrency);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                serverCpu = server.CpuTime - serverCpu;
                clientCpu = SelfCpu() - clientCpu;
                result["http_server_cpu_seconds"] = Math.Round(serverCpu.TotalSeconds, 2);
                result["http_client_cpu_seconds"] = Math.Round(clientCpu.TotalSeconds, 2);
                result["http_seconds"] = Math.Round(seconds, 3);
                result["http_events_per_second"] = Math.Round(count / seconds);
                result["http_503_retries"] = retries;
                Console.WriteLine($"  HTTP, durable:         {count / seconds,10:N0} events/s  ({seconds:0.00} s; CPU s: server {serverCpu.TotalSeconds:0.0}, client {clientCpu.TotalSeconds:0.0}; {retries} retries after 503)");

                var sequential = await SingleLatenciesAsync(client, singles.Take(latencyEvents).ToList(), 1, json);
                var parallel = await SingleLatenciesAsync(client, singles.Skip(latencyEvents).ToList(), concurrency, json);
                Report(result, "single", sequential, "single event, sequential");
                Report(result, "single_concurrent", parallel, $"single event, {concurrency} clients");
                if (thumbnails > 0)
                {
                    await ThumbnailPhaseAsync(client, thumbnails, MakeEvents("p", count, random, now), MakeEvents("q", count, random, now), MakeEvents("r", count, random, now), batchSize, concurrency, json, result);
                }

                result["server_peak_rss_mb"] = Math.Round(server.PeakRssMb);
            }

            // The same run without the fsync per group commit (RecEngine:DurableCommits=false), on a fresh store: what
            // durability against power loss costs.
            var plainDir = Path.Combine(root, "server-nofsync");
            SeedCatalog(plainDir);
            await using (var plain = await ServerProcess.StartAsync(plainDir, new Dictionary<string, string> { ["RecEngine:DurableCommits"] = "false" }))
            {
                using var client = new HttpClient { BaseAddress = plain.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
                await PostBatchesAsync(client, Serialize(warmup, batchSize, json), concurrency);
                var seconds = await TimedPostAsync(client, Serialize(events, batchSize, json), concurrency);
                result["http_nofsync_events_per_second"] = Math.Round(count / seconds);
                result["fsync_to_nofsync"] = Math.Round(seconds / (double)result["http_seconds"], 3);
                Console.WriteLine($"  HTTP, no fsync:        {count / seconds,10:N0} events/s  ({seconds:0.00} s); with fsync / without = {seconds / (double)result["http_seconds"]:0.00}x");
            }

            var expected = warmup.Count + count + singles.Count + (thumbnails > 0 ? 3 * count : 0);
            var stored = CountStored(serverDir);
            result["stored_after_kill"] = stored;
            Console.WriteLine($"  after SIGKILL the store holds {stored:N0} of {expected:N0} acknowledged events");
            if (stored != expected)
            {
                Console.Error.WriteLine("FAILED: acknowledged events are missing.");
                return 1;
            }

            var cpu = SelfCpu();
            var writer = await WriterOnlyAsync(Path.Combine(root, "writer"), events, batchSize, concurrency);
            cpu = SelfCpu() - cpu;
            result["writer_events_per_second"] = Math.Round(count / writer);
            result["writer_cpu_seconds"] = Math.Round(cpu.TotalSeconds, 2);
            Console.WriteLine($"  writer, no HTTP:       {count / writer,10:N0} events/s  ({writer:0.00} s; CPU {cpu.TotalSeconds:0.0} s)");

            var rawAfter = RawInsertBulk(Path.Combine(root, "raw-after"), events);
            var raw = (rawBefore.Seconds + rawAfter.Seconds) / 2;
            result["raw_events_per_second"] = Math.Round(count / raw);
            result["raw_before_events_per_second"] = Math.Round(count / rawBefore.Seconds);
            result["raw_after_events_per_second"] = Math.Round(count / rawAfter.Seconds);
            result["raw_cpu_seconds"] = Math.Round((rawBefore.Cpu.TotalSeconds + rawAfter.Cpu.TotalSeconds) / 2, 2);
            Console.WriteLine($"  raw LiteDB InsertBulk: {count / raw,10:N0} events/s  (mean of {count / rawBefore.Seconds:N0} before and {count / rawAfter.Seconds:N0} after; CPU {rawBefore.Cpu.TotalSeconds:0.0} / {rawAfter.Cpu.TotalSeconds:0.0} s)");
            var ratio = raw / (double)result["http_seconds"];
            result["http_to_raw"] = Math.Round(ratio, 3);
            result["writer_to_raw"] = Math.Round(raw / writer, 3);
            Console.WriteLine($"  HTTP / raw = {ratio:0.00}x   writer / raw = {raw / writer:0.00}x   (goal: >= 10,000 events/s and >= 0.65x)");

            if (options.String("json") is { } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, ServiceDefaults.Json));
            }

            return 0;
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

    /// <summary>
    /// Posts <paramref name="before"/> with the embedder idle, uploads <paramref name="thumbnails"/> PNGs (160 x 120,
    /// random shapes), posts <paramref name="busy"/> while the background embedder works through them, waits until its
    /// queue is empty, and posts <paramref name="after"/> with it idle again. Inserts slow down as the store grows, so the
    /// busy phase is compared with the mean of the idle phases on either side of it, on the same server and store.
    /// </summary>
    private static async Task ThumbnailPhaseAsync(HttpClient client, int thumbnails, List<InteractionEvent> before, List<InteractionEvent> busy, List<InteractionEvent> after, int batchSize, int concurrency, JsonSerializerOptions json, Dictionary<string, object> result)
    {
        var beforeSeconds = await TimedPostAsync(client, Serialize(before, batchSize, json), concurrency);
        Console.WriteLine($"  HTTP, embedder idle:   {before.Count / beforeSeconds,10:N0} events/s  ({beforeSeconds:0.00} s)");
        var images = Enumerable.Range(0, thumbnails).Select(DrawThumbnail).ToArray();
        var uploads = new double[thumbnails];
        for (var i = 0; i < thumbnails; i++)
        {
            using var content = new ByteArrayContent(images[i]);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PutAsync($"v1/videos/v{i}/thumbnail", content);
            uploads[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"thumbnail v{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Array.Sort(uploads);
        Report(result, "thumbnail_upload", uploads, "thumbnail upload (PUT)");

        var embeddedBefore = await MetricAsync(client, EmbeddedSample);
        var busySeconds = await TimedPostAsync(client, Serialize(busy, batchSize, json), concurrency);
        var embeddedDuring = await MetricAsync(client, EmbeddedSample) - embeddedBefore;
        var waiting = await MetricAsync(client, "recengine_thumbnail_queue");
        Console.WriteLine($"  HTTP, embedder busy:   {busy.Count / busySeconds,10:N0} events/s  ({busySeconds:0.00} s; {embeddedDuring:N0} thumbnails embedded meanwhile, {waiting:N0} still queued at the end)");

        var drain = Stopwatch.StartNew();
        while (await MetricAsync(client, "recengine_thumbnail_queue") > 0 && drain.Elapsed < TimeSpan.FromMinutes(30))
        {
            await Task.Delay(500);
        }

        // Counted from the first upload's answer: the embedder starts while the uploads are still arriving.
        var embedded = await MetricAsync(client, EmbeddedSample) - embeddedBefore;
        var embedSeconds = busySeconds + drain.Elapsed.TotalSeconds;
        var afterSeconds = await TimedPostAsync(client, Serialize(after, batchSize, json), concurrency);
        var idleRate = ((before.Count / beforeSeconds) + (after.Count / afterSeconds)) / 2;
        var busyRate = busy.Count / busySeconds;
        Console.WriteLine($"  HTTP, embedder idle:   {after.Count / afterSeconds,10:N0} events/s  ({afterSeconds:0.00} s); busy / mean of the idle phases = {busyRate / idleRate:0.00}x");
        Console.WriteLine($"  embedder: {embedded:N0} more thumbnails in the {embedSeconds:0.0} s after the uploads ({embedded / embedSeconds:0.0} images/s, ingestion included)");
        result["thumbnails"] = thumbnails;
        result["http_embedder_busy_events_per_second"] = Math.Round(busyRate);
        result["http_embedder_idle_before_events_per_second"] = Math.Round(before.Count / beforeSeconds);
        result["http_embedder_idle_after_events_per_second"] = Math.Round(after.Count / afterSeconds);
        result["embedder_busy_to_idle"] = Math.Round(busyRate / idleRate, 3);
        result["thumbnails_embedded_during_busy_phase"] = embeddedDuring;
        result["thumbnails_queued_after_busy_phase"] = waiting;
        result["thumbnails_embedded"] = embedded;
        result["thumbnail_images_per_second"] = Math.Round(embedded / embedSeconds, 1);
    }

    private static async Task<double> TimedPostAsync(HttpClient client, byte[][] bodies, int concurrency)
    {
        var started = Stopwatch.GetTimestamp();
        await PostBatchesAsync(client, bodies, concurrency);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>A 160 x 120 PNG of random rectangles on a random background, seeded by <paramref name="i"/>.</summary>
    private static byte[] DrawThumbnail(int i)
    {
        var random = new Random(i);
        using var bitmap = new SkiaSharp.SKBitmap(160, 120);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap))
        {
            canvas.Clear(new SkiaSharp.SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SkiaSharp.SKPaint();
            for (var s = 0; s < 12; s++)
            {
                paint.Color = new SkiaSharp.SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawRect(random.Next(160), random.Next(120), 10 + random.Next(60), 10 + random.Next(50), paint);
            }
        }

        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The value of one sample of <c>/metrics</c> (Prometheus text), 0 when it is absent.</summary>
    private static async Task<double> MetricAsync(HttpClient client, string sample)
    {
        var text = await client.GetStringAsync("metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static TimeSpan SelfCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static void SeedCatalog(string dataDir)
    {
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        var catalog = new CatalogService(store, new CatalogIndex(store));
        var signedUp = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        catalog.UpsertUsers(Enumerable.Range(0, Users).Select(i => new User
        {
            Id = $"u{i}", Country = "US", Device = User.Devices[i % User.Devices.Length], SignedUpAt = signedUp,
        }));
        catalog.UpsertVideos(Enumerable.Range(0, Videos).Select(i => new Video
        {
            Id = $"v{i}", Title = $"Video {i}", Category = $"cat{i % 20}", CreatorId = $"c{i % 500}",
            DurationSeconds = 30 + (i % 600), UploadedAt = signedUp, Tags = ["bench"],
        }));
    }

    /// <summary>Events as the validator would store them: random users, videos and types over the last two weeks.</summary>
    private static List<InteractionEvent> MakeEvents(string prefix, int count, Random random, DateTime now)
    {
        var events = new List<InteractionEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var type = (EventType)random.Next(0, 7);
            var timestamp = now.AddSeconds(-random.Next(1, 14 * 24 * 3600));
            events.Add(new InteractionEvent
            {
                EventId = $"{prefix}{i:D8}-{random.Next():x8}",
                UserId = $"u{random.Next(Users)}",
                VideoId = $"v{random.Next(Videos)}",
                Type = type,
                WatchSeconds = type == EventType.Watch ? random.Next(1, 30) : 0,
                Timestamp = timestamp,
                Device = User.Devices[random.Next(User.Devices.Length)],
                Hour = timestamp.Hour,
                RequestId = type == EventType.Impression ? $"r{random.Next(1_000_000)}" : null,
                Position = type == EventType.Impression ? random.Next(20) : null,
            });
        }

        return events;
    }

    private static byte[][] Serialize(List<InteractionEvent> events, int batchSize, JsonSerializerOptions json) =>
        events.Chunk(batchSize).Select(b => JsonSerializer.SerializeToUtf8Bytes(b, json)).ToArray();

    /// <summary>Posts every body once, from <paramref name="concurrency"/> clients; a 503 is retried after its Retry-After.</summary>
    private static async Task<int> PostBatchesAsync(HttpClient client, byte[][] bodies, int concurrency)
    {
        var next = -1;
        var retries = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Length)
            {
                while (true)
                {
                    using var content = new ByteArrayContent(bodies[i]);
                    content.Headers.ContentType = JsonType;
                    using var response = await client.PostAsync("v1/events", content);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref retries);
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(100));
                        continue;
                    }

                    var answer = await response.Content.ReadFromJsonAsync<IngestResponse>(ServiceDefaults.Json);
                    if (!response.IsSuccessStatusCode || answer is null || answer.Duplicates != 0)
                    {
                        throw new InvalidOperationException($"batch {i}: {(int)response.StatusCode} {answer}");
                    }

                    break;
                }
            }
        }));
        return retries;
    }

    private static async Task<double[]> SingleLatenciesAsync(HttpClient client, List<InteractionEvent> events, int concurrency, JsonSerializerOptions json)
    {
        var latencies = new double[events.Count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Count)
            {
                using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(events[i], json));
                content.Headers.ContentType = JsonType;
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("v1/events", content);
                await response.Content.LoadIntoBufferAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"single event {i}: {(int)response.StatusCode}");
                }
            }
        }));
        Array.Sort(latencies);
        return latencies;
    }

    private static void Report(Dictionary<string, object> result, string key, double[] sorted, string label)
    {
        double P(double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];
        result[key + "_p50_ms"] = Math.Round(P(0.50), 3);
        result[key + "_p99_ms"] = Math.Round(P(0.99), 3);
        result[key + "_max_ms"] = Math.Round(sorted[^1], 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label + ":",-30} p50 {P(0.50),7:0.00} ms  p99 {P(0.99),7:0.00} ms  max {sorted[^1],7:0.00} ms  (n={sorted.Length})"));
    }

    private static long CountStored(string dataDir)
    {
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        using var events = new EventStore(store);
        return events.Count();
    }

    /// <summary>The group-commit writer alone, fed the same batches by <paramref name="concurrency"/> tasks: HTTP, JSON and validation left out.</summary>
    private static async Task<double> WriterOnlyAsync(string dataDir, List<InteractionEvent> events, int batchSize, int concurrency)
    {
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        using var eventStore = new EventStore(store);
        _ = eventStore.Events;
        using var writer = new EventWriter(eventStore, [], Options.Create(new EventsOptions()), NullLogger<EventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        var batches = events.Chunk(batchSize).ToArray();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                await writer.WriteAsync(batches[i]);
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await writer.StopAsync(CancellationToken.None);
        return seconds;
    }

    /// <summary>The baseline: the same documents into a fresh file with the same mapper, collation and indexes.</summary>
    private static (double Seconds, TimeSpan Cpu) RawInsertBulk(string dataDir, List<InteractionEvent> events)
    {
        var cpu = SelfCpu();
        using var store = new RecEngineStore(new DataDirectory(dataDir));
        using var eventStore = new EventStore(store);
        var collection = eventStore.Events;
        var started = Stopwatch.GetTimestamp();
        var inserted = collection.InsertBulk(events);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (inserted != events.Count)
        {
            throw new InvalidOperationException($"InsertBulk stored {inserted} of {events.Count}");
        }

        return (seconds, SelfCpu() - cpu);
    }
}
