using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Cluster;
using RecEngine.Retrieval;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using Xunit.Abstractions;

namespace RecEngine.Tests.Cluster;

/// <summary>
/// <c>serve --cluster</c> on Orleans' in-process test cluster: the catalog shards are grains on the test silos, the app
/// runs the pipeline and the ranker, retrieval is scattered over the shards and gathered by score.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterServingTests(ServedWorld world, ITestOutputHelper output)
{
    private const string Generous = "00:00:10";

    [Fact]
    public async Task ClusteredPipelineOnAnExactIndexReturnsTheSingleProcessSlates()
    {
        // The served world has 400 videos, under the exact-scan threshold: each shard scans its slice exactly, so the
        // gathered top k is the exact top k, and the slates must be the single process's.
        await using var single = world.Factory(ClusterWorld.Deterministic());
        await using var clustered = await ClusterWorld.StartAsync(world, silos: 2, ClusterWorld.Deterministic(new() { ["RecEngine:Cluster:ShardDeadline"] = Generous }));
        using var singleClient = single.CreateClient();
        using var clusterClient = clustered.App.CreateClient();
        await ServedWorld.FirstModelSlateAsync(singleClient, "/v1/recommendations/u1?k=5");
        await ServedWorld.FirstModelSlateAsync(clusterClient, "/v1/recommendations/u1?k=5");

        var compared = 0;
        for (var u = 1; u <= 30; u++)
        {
            var path = $"/v1/recommendations/u{u}?k=20";
            var expected = await ClusterWorld.SlateAsync(singleClient, path);
            var actual = await ClusterWorld.SlateAsync(clusterClient, path);
            Assert.False(actual.GetProperty("degraded").GetBoolean(), actual.ToString());
            Assert.Equal(expected.GetProperty("model_version").GetString(), actual.GetProperty("model_version").GetString());
            Assert.True(ClusterWorld.VideoIds(expected).SequenceEqual(ClusterWorld.VideoIds(actual)), $"{path}:\nsingle  {expected}\ncluster {actual}");
            compared++;
        }

        Assert.Equal(30, compared);
        // The answers really came through the shard grains, spread over the silos.
        var placement = await clustered.ShardPlacementAsync();
        Assert.True(placement.Values.Sum() == clustered.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.Shards, string.Join(", ", placement));
        // The app cut its copy of the version, and the silos, which lacked the files, cut theirs: the same files.
        var version = Path.GetFileName(Directory.GetDirectories(clustered.ModelsPath).Order().First());
        var appShards = CatalogShardFiles.ReadManifest(Path.Combine(clustered.ModelsPath, version));
        var siloShards = CatalogShardFiles.ReadManifest(Path.Combine(clustered.SiloModelsPath, version));
        Assert.NotNull(appShards);
        Assert.NotNull(siloShards);
        Assert.Equal(appShards.Files, siloShards.Files);
    }

    [Fact]
    public async Task StoppingASiloUnderLoadFailsNoRequestAndDegradesOnlyWhileItsShardsReactivate()
    {
        await using var clustered = await ClusterWorld.StartAsync(world, silos: 3, new()
        {
            ["RecEngine:Cluster:Shards"] = "8",
            // Long enough that a busy test box (one core, the suite's leftover work) does not miss it before the
            // stop (seen at 1 s: a slate degraded 0.6 s before the stop); a call to a stopped silo's shard can still.
            ["RecEngine:Cluster:ShardDeadline"] = "00:00:02",
        });
        using var client = clustered.App.CreateClient();
        await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=5");

        var placement = await clustered.ShardPlacementAsync();
        var victim = clustered.Cluster.SecondarySilos.FirstOrDefault(s => placement.ContainsKey(s.SiloAddress.ToString()));
        Assert.True(victim is not null, "no secondary silo hosts a shard: " + string.Join(", ", placement));

        // Every user the load asks for, once, before the clock: first requests compile and fill caches.
        for (var u = 1; u <= 40; u++)
        {
            await ClusterWorld.SlateAsync(client, $"/v1/recommendations/u{u}?k=10");
        }

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<(TimeSpan At, HttpStatusCode Status, string Body)>();
        using var done = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                using var response = await client.GetAsync($"/v1/recommendations/u{1 + (c * 10) + (i++ % 10)}?k=10");
                answers.Add((clock.Elapsed, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToList();

        await Task.Delay(1000);
        var stopStarted = clock.Elapsed;
        await clustered.Cluster.StopSiloAsync(victim);
        var stopEnded = clock.Elapsed;
        // Load goes on until the shards have served again from the other silos for a while.
        await Task.Delay(3000);
        await done.CancelAsync();
        await Task.WhenAll(load);

        var failed = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} failed: {failed.FirstOrDefault().Body}");
        var slates = answers.Select(a => (a.At, Slate: JsonDocument.Parse(a.Body).RootElement.Clone())).OrderBy(a => a.At).ToList();
        var degraded = slates.Where(s => s.Slate.GetProperty("degraded").GetBoolean()).ToList();
        output.WriteLine($"{slates.Count} slates, {degraded.Count} degraded (stop {stopStarted.TotalMilliseconds:F0}-{stopEnded.TotalMilliseconds:F0} ms)");
        Assert.All(degraded, d => Assert.Equal(DegradedReasons.ShardsMissing, d.Slate.GetProperty("degraded_reason").GetString()));
        // Degraded only from the stop on, and not in the last second: by then every shard is active on a live silo.
        Assert.All(degraded, d => Assert.True(d.At >= stopStarted, $"degraded before the stop, at {d.At}"));
        var tail = slates.Where(s => s.At > clock.Elapsed - TimeSpan.FromSeconds(1)).ToList();
        Assert.True(tail.Count > 0, "no requests in the last second");
        Assert.DoesNotContain(tail, s => s.Slate.GetProperty("degraded").GetBoolean());
        Assert.True(slates.Any(s => s.At > stopEnded), "no requests after the stop");
        var after = await clustered.ShardPlacementAsync();
        Assert.False(after.ContainsKey(victim.SiloAddress.ToString()), "a shard still placed on the stopped silo");
        Assert.Equal(8, after.Values.Sum());
    }

    [Fact]
    public async Task APromotionUnderLoadMovesTheSiloAndEveryRequestUsesOneVersion()
    {
        await using var clustered = await ClusterWorld.StartAsync(world, silos: 2, new()
        {
            ["RecEngine:Cluster:ShardDeadline"] = Generous,
            ["RecEngine:Cluster:FollowPeriod"] = "00:00:00.200",
        });
        using var client = clustered.App.CreateClient();
        var first = (await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=5")).GetProperty("model_version").GetString()!;
        var next = clustered.CopyVersion("-next");
        await clustered.AnnouncedAsync(first);
        var mismatches = ClusterMetrics.VersionMismatches.Value;

        var answers = new ConcurrentQueue<(int Client, HttpStatusCode Status, string Body)>();
        using var done = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                using var response = await client.GetAsync($"/v1/recommendations/u{1 + (c * 10) + (i++ % 10)}?k=10");
                answers.Enqueue((c, response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToList();

        await Task.Delay(500);
        // Another silo's promotion, as it reaches the cluster: the serving-version grain names the new version.
        await clustered.Cluster.Client.GetGrain<IServingVersionGrain>(0).Set(next);
        var state = clustered.App.Services.GetRequiredService<ServingState>();
        var waited = Stopwatch.StartNew();
        while (state.Current?.Version != next && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
        await done.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(next, state.Current?.Version);
        var seenByClient = new Dictionary<int, List<string>>();
        foreach (var (c, status, body) in answers)
        {
            Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
            using var slate = JsonDocument.Parse(body);
            Assert.False(slate.RootElement.GetProperty("degraded").GetBoolean(), body);
            var version = slate.RootElement.GetProperty("model_version").GetString()!;
            Assert.True(version == first || version == next, body);
            (seenByClient.TryGetValue(c, out var list) ? list : seenByClient[c] = []).Add(version);
        }

        // Each client's requests are sequential: once one was answered by the new version, none goes back.
        foreach (var (c, versions) in seenByClient)
        {
            var switched = versions.IndexOf(next);
            Assert.True(switched > 0, $"client {c} never saw both versions: {versions.Count} slates");
            Assert.DoesNotContain(first, versions.Skip(switched));
        }

        Assert.Equal(mismatches, ClusterMetrics.VersionMismatches.Value);
        // Both versions' shards coexisted during the swap.
        Assert.True((await clustered.ShardPlacementAsync()).Values.Sum() >= 8);

        // A silo (re)starting on the old version, as its own registry says, follows the cluster instead of taking it back.
        var services = clustered.App.Services;
        var loader = services.GetRequiredService<ServingLoader>();
        using var restarted = new ServingState();
        restarted.Publish(loader.LoadSnapshot(Path.Combine(clustered.ModelsPath, first)));
        var follower = new ClusterVersionFollower(
            clustered.Cluster.Client, restarted, loader, services.GetRequiredService<RecEngine.Hosting.DataDirectory>(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ClusterVersionFollower>.Instance);
        Assert.Equal(next, await follower.TickAsync(CancellationToken.None));
        Assert.Equal(next, restarted.Current?.Version);
        Assert.Equal(next, await clustered.Cluster.Client.GetGrain<IServingVersionGrain>(0).Get());
    }

    [Fact]
    public async Task AShardFileFailingItsChecksumIsRefusedAndThePreviousVersionKeepsServing()
    {
        await using var clustered = await ClusterWorld.StartAsync(world, silos: 2, new() { ["RecEngine:Cluster:ShardDeadline"] = Generous });
        using var client = clustered.App.CreateClient();
        var first = (await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=5")).GetProperty("model_version").GetString()!;
        var next = clustered.CopyVersion("-next");
        // Cut and corrupted in the silos' copy, where the shard grains read it.
        var nextDir = Path.Combine(clustered.SiloModelsPath, next);
        CatalogShardFiles.Write(nextDir, 4);
        var corrupt = Path.Combine(CatalogShardFiles.FolderOf(nextDir), CatalogShardFiles.FileName(2));
        var bytes = File.ReadAllBytes(corrupt);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(corrupt, bytes);

        var reason = await clustered.Cluster.Client.GetGrain<ICatalogShardGrain>(CatalogShardKey.Of(next, 2, 4)).Prepare();
        Assert.NotNull(reason);
        Assert.Contains("checksum", reason, StringComparison.Ordinal);
        Assert.Null(await clustered.Cluster.Client.GetGrain<ICatalogShardGrain>(CatalogShardKey.Of(next, 1, 4)).Prepare());

        await clustered.AnnouncedAsync(first);
        await clustered.Cluster.Client.GetGrain<IServingVersionGrain>(0).Set(next);
        var follower = clustered.App.Services.GetRequiredService<ClusterVersionFollower>();
        Assert.Equal(first, await follower.TickAsync(CancellationToken.None));
        var slate = await ClusterWorld.SlateAsync(client, "/v1/recommendations/u2?k=10");
        Assert.Equal(first, slate.GetProperty("model_version").GetString());
        Assert.False(slate.GetProperty("degraded").GetBoolean(), slate.ToString());
    }

    [Fact]
    public async Task UserFeaturesLiveInTheUsersGrainAndAWatchOnAnySiloMovesTheNextSlate()
    {
        await using var clustered = await ClusterWorld.StartAsync(world, silos: 2, ClusterWorld.Deterministic(new() { ["RecEngine:Cluster:ShardDeadline"] = Generous }));
        using var client = clustered.App.CreateClient();
        var first = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u7?k=10");
        var grain = clustered.Cluster.Client.GetGrain<IUserFeaturesGrain>("u7");
        var seeded = await grain.Get();
        Assert.NotNull(seeded);
        Assert.Equal("u7", seeded.UserId);

        // A watch posted to this silo reaches the grain.
        var shown = ClusterWorld.VideoIds(first);
        using var watch = await client.PostAsJsonAsync("/v1/events", new
        {
            event_id = "cluster-watch-1", user_id = "u7", video_id = shown[0], type = "watch", watch_seconds = 30, timestamp = DateTime.UtcNow,
        });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, watch);
        var waited = Stopwatch.StartNew();
        while (!(await grain.Get())!.Watched.Contains(shown[0]))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the watch never reached the user's grain");
            await Task.Delay(50);
        }

        Assert.DoesNotContain(shown[0], ClusterWorld.VideoIds(await ClusterWorld.SlateAsync(client, "/v1/recommendations/u7?k=10")));

        // A watch committed on another silo arrives only at the grain (this silo's own cache never sees it): the next
        // slate here still leaves it out, so the pipeline read the grain.
        var second = ClusterWorld.VideoIds(await ClusterWorld.SlateAsync(client, "/v1/recommendations/u7?k=10"))[0];
        await grain.Apply([new UserEventMessage("other-silo-watch", second, RecEngine.Events.EventType.Watch, 30, DateTime.UtcNow)]);
        Assert.DoesNotContain(second, ClusterWorld.VideoIds(await ClusterWorld.SlateAsync(client, "/v1/recommendations/u7?k=10")));
        Assert.DoesNotContain(second, clustered.App.Services.GetRequiredService<RecEngine.Features.UserFeatureCache>().Get("u7").Watched);
    }
}
