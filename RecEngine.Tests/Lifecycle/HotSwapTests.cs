using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

public sealed class HotSwapTests
{
    /// <summary>
    /// Requests keep running while two versions are swapped in 50 times. Every request succeeds and names exactly
    /// one of the two versions: it read a single snapshot, and no snapshot was disposed under it (a disposed ONNX
    /// session or index would fail the request with a 500).
    /// </summary>
    [Fact]
    public async Task RequestsDuring50SwapsAllSucceedOnASingleVersion()
    {
        // Four readers in tight loops from one client address: rate limiting has its own tests, and a fast box (or
        // unknown users' slates no longer logged) would meet the default per-client limit here.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Limits:PermitsPerSecond"] = "1000000",
            ["RecEngine:Limits:Burst"] = "1000000",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var a = LifecycleWorld.TrainAndPromote(factory.Services);
        var b = LifecycleWorld.TrainAndPromote(factory.Services);
        var loader = factory.Services.GetRequiredService<ServingLoader>();
        var state = factory.Services.GetRequiredService<ServingState>();
        var folders = new[] { a, b }.Select(v => Path.Combine(factory.DataDir, "models", v)).ToArray();

        var seen = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync($"/v1/recommendations/u{(i++ % 50) + 1}?k=10");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {body}");
                    continue;
                }

                using var slate = JsonDocument.Parse(body);
                seen.Add(slate.RootElement.GetProperty("model_version").GetString()!);
            }
        })).ToList();

        for (var swap = 0; swap < 50; swap++)
        {
            state.Publish(loader.LoadSnapshot(folders[swap % 2]));
            await Task.Delay(5);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));
        Assert.True(seen.Count >= 50, $"only {seen.Count} requests ran during the swaps");
        Assert.All(seen, v => Assert.Contains(v, new[] { a, b }));
        Assert.Equal([a, b], seen.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(b, state.Current!.Version);
    }
}
