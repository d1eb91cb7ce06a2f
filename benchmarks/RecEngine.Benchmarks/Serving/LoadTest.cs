using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RecEngine.Benchmarks.Serving;

/// <summary>
/// <c>load --url URL --rps R --seconds S [--users N] [--k K] [--json FILE]</c>: open-loop load on
/// <c>GET /v1/recommendations/{user}</c>. Requests are sent on a fixed schedule whether or not earlier ones have
/// answered, and each latency is measured from its scheduled time, so a slow server cannot hide its queueing
/// (coordinated omission, Tene). Loopback only: the URL must be a local address.
/// </summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Args.Parse(args, "url", "rps", "seconds", "users", "k", "json");
        if (parsed?.String("url") is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri))
        {
            Console.Error.WriteLine("Usage: load --url http://127.0.0.1:5000 --rps 200 --seconds 60 [--users 10000] [--k 20] [--json FILE]");
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
        var errors = 0;
        var rng = new Random(1);
        var tasks = new Task[total];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rps);
            while (Stopwatch.GetTimestamp() < due)
            {
                var ahead = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (ahead > 2)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(ahead - 1));
                }
                else
                {
                    Thread.Yield();
                }
            }

            var index = i;
            // The generated worlds' users are u0 .. u{N-1}.
            var user = rng.Next(users);
            tasks[i] = Task.Run(async () =>
            {
                try
                {
                    using var response = await client.GetAsync($"/v1/recommendations/u{user}?k={k}");
                    await response.Content.LoadIntoBufferAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }

                latencies[index] = (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency;
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
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
        };
        Console.WriteLine(string.Join(Environment.NewLine, result.Select(kv => $"  {kv.Key,-14} {Convert.ToString(kv.Value, CultureInfo.InvariantCulture)}")));
        if (parsed.String("json") is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, RecEngine.Hosting.ServiceDefaults.Json));
        }

        return errors == 0 ? 0 : 1;
    }

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
