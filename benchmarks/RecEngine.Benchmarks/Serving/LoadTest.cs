using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RecEngine.Benchmarks.Serving;

/// <summary>
/// <c>load --url URL --rps R --seconds S [--users N] [--k K] [--new-users true] [--json FILE]</c>: open-loop load on
/// <c>GET /v1/recommendations/{user}</c>. Requests are sent on a fixed schedule whether or not earlier ones have
/// answered, and each latency is measured from its scheduled time, so a slow server cannot hide its queueing
/// (coordinated omission, Tene). Loopback only: the URL must be a local address.
/// </summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Args.Parse(args, "url", "rps", "seconds", "users", "k", "json", "new-users");
        if (parsed?.String("url") is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri))
        {
            Console.Error.WriteLine("Usage: load --url http://127.0.0.1:5000 --rps 200 --seconds 60 [--users 10000] [--k 20] [--new-users true] [--json FILE]");
            return 2;
        }

        if (!baseUri.IsLoopback)
        {
            Console.Error.WriteLine($"Refusing to load {baseUri.Host}: the load test only targets loopback addresses.");
            return 2;
        }

        var rps = parsed.Int("rps", 200);
        var seconds = parsed.Int("seconds", 60);
        var users = parsed.Int("users", 10_000);
        var k = parsed.Int("k", 20);
        // Every request for a user id not seen before (not in the catalog): what strangers cost in memory and store.
        var newUsers = parsed.String("new-users") is "true" or "1";
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(10),
        };

        // Warm-up: connections, JIT and caches, not measured.
        for (var i = 0; i < Math.Min(200, rps); i++)
        {
            using var _ = await client.GetAsync($"/v1/recommendations/u{i % users}?k={k}");
        }

        var total = rps * seconds;
        var latencies = new double[total];
        var failed = new bool[total];
        var errors = 0;
        var rng = new Random(1);
        var tasks = new Task[total];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rps);
            // Sleep until due, never spin: on a small box a spinning generator takes CPU from the server it measures.
            // A request sent a little late (timer granularity, about a millisecond) is still timed from when it was
            // due, so lateness counts against the server's latency rather than hiding it.
            var ahead = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (ahead > TimeSpan.FromMilliseconds(0.5))
            {
                await Task.Delay(ahead);
            }

            var index = i;
            // The generated worlds' users are u0 .. u{N-1}.
            var user = newUsers ? "new-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "u" + rng.Next(users).ToString(System.Globalization.CultureInfo.InvariantCulture);
            tasks[i] = Task.Run(async () =>
            {
                try
                {
                    using var response = await client.GetAsync($"/v1/recommendations/{user}?k={k}");
                    await response.Content.LoadIntoBufferAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        failed[index] = true;
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failed[index] = true;
                    Interlocked.Increment(ref errors);
                }

                latencies[index] = (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency;
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var timeline = Timeline(latencies, failed, rps);
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(total - 1, (int)Math.Ceiling(p * total) - 1)];
        var rss = await ServerRssMbAsync(client);
        var result = new Dictionary<string, object?>
        {
            ["rps_target"] = rps,
            ["rps_achieved"] = Math.Round(total / elapsed, 1),
            ["requests"] = total,
            ["errors"] = errors,
            ["p50_ms"] = Math.Round(Percentile(0.50), 3),
            ["p95_ms"] = Math.Round(Percentile(0.95), 3),
            ["p99_ms"] = Math.Round(Percentile(0.99), 3),
            ["max_ms"] = Math.Round(latencies[^1], 3),
            ["rss_mb"] = rss,
            ["timeline"] = timeline,
        };
        Console.WriteLine(string.Join(Environment.NewLine, result.Where(kv => kv.Key != "timeline").Select(kv => $"  {kv.Key,-14} {Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")));
        // Where the tail came from: a stall shows as a few seconds with a huge max, steady overload as every second slow.
        Console.WriteLine("  slowest seconds (by max latency):");
        foreach (var second in timeline.OrderByDescending(t => t.MaxMs).Take(5))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    second {second.Second,4}: p50 {second.P50Ms,8:F1} ms  p99 {second.P99Ms,8:F1} ms  max {second.MaxMs,8:F1} ms  errors {second.Errors}"));
        }
        if (parsed.String("json") is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, RecEngine.Hosting.ServiceDefaults.Json));
        }

        return errors == 0 ? 0 : 1;
    }

    /// <summary>Per second of the schedule (by when each request was due): its requests' latencies and errors.</summary>
    internal static List<SecondStats> Timeline(double[] latencies, bool[] failed, int rps)
    {
        var seconds = new List<SecondStats>();
        for (var from = 0; from < latencies.Length; from += rps)
        {
            var slice = latencies.AsSpan(from, Math.Min(rps, latencies.Length - from)).ToArray();
            Array.Sort(slice);
            double P(double p) => slice[Math.Min(slice.Length - 1, Math.Max(0, (int)Math.Ceiling(p * slice.Length) - 1))];
            var errors = failed.AsSpan(from, slice.Length).Count(true);
            seconds.Add(new SecondStats(from / rps, slice.Length, errors, Math.Round(P(0.5), 3), Math.Round(P(0.99), 3), Math.Round(slice[^1], 3)));
        }

        return seconds;
    }

    /// <summary>One second of a load run, in the JSON's <c>timeline</c>.</summary>
    internal sealed record SecondStats(int Second, int Requests, int Errors, double P50Ms, double P99Ms, double MaxMs);

    /// <summary>The server's resident memory from its own /metrics (prometheus-net's process_working_set_bytes).</summary>
    private static async Task<double?> ServerRssMbAsync(HttpClient client)
    {
        try
        {
            var text = await client.GetStringAsync("/metrics");
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("process_working_set_bytes ", StringComparison.Ordinal));
            return line is null ? null : Math.Round(double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) / (1024 * 1024), 1);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // A server still working off a backlog may not answer in time: report no RSS rather than lose the run.
            return null;
        }
    }
}
