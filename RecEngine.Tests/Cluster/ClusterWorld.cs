using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;
using RecEngine.Cluster;
using RecEngine.Retrieval;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Cluster;

/// <summary>
/// The served world behind an in-process Orleans test cluster (Microsoft.Orleans.TestingHost, in-memory membership):
/// the silos host the catalog shard grains over the app's data directory, and the app (the silo that takes the
/// requests, here with the test cluster's client as its grain factory) runs the whole pipeline with retrieval
/// scattered over the shards, exactly as <c>serve --cluster</c> wires it.
/// </summary>
internal sealed class ClusterWorld : IAsyncDisposable
{
    private ClusterWorld(RecEngineFactory parent, WebApplicationFactory<Program> app, TestCluster cluster)
    {
        Parent = parent;
        App = app;
        Cluster = cluster;
    }

    public RecEngineFactory Parent { get; }

    public WebApplicationFactory<Program> App { get; }

    public TestCluster Cluster { get; }

    /// <summary>The app's model versions.</summary>
    public string ModelsPath => Path.Combine(Parent.DataDir, "models");

    /// <summary>The silos' copy of the model versions (their shard grains read these).</summary>
    public string SiloModelsPath => Path.Combine(Parent.DataDir, "silo-models");

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Slates comparable across processes: no random exploration, no time-dependent freshness boost, no impression log.</summary>
    public static Dictionary<string, string?> Deterministic(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RecEngine:Serving:ExplorationShare"] = "0",
            ["RecEngine:Serving:FreshnessBoost"] = "0",
            // The slates served while waiting for the model would otherwise become impressions the ranker reads back.
            ["RecEngine:Serving:LogImpressions"] = "false",
        };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }

        return settings;
    }

    public static async Task<ClusterWorld> StartAsync(ServedWorld world, int silos, Dictionary<string, string?> settings)
    {
        var parent = world.Factory(settings);
        // The silos read their own copy of the model versions, as separate processes with their own data directories do.
        var siloModels = Path.Combine(parent.DataDir, "silo-models");
        CopyTree(Path.Combine(parent.DataDir, "models"), siloModels);
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties["RecEngineModels"] = siloModels;
        builder.AddSiloBuilderConfigurator<ShardSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var app = parent.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton<IGrainFactory>(cluster.Client);
            ClusterModule.AddClusterServing(services);
        }));
        return new ClusterWorld(parent, app, cluster);
    }

    /// <summary>Where the shard grains of a test silo read their files.</summary>
    private sealed class ShardSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Services.AddSingleton(sp => new CatalogShardSource(sp.GetRequiredService<IConfiguration>()["RecEngineModels"]!, new VectorIndexOptions()));
    }

    /// <summary>Silos hosting activations of the catalog shard grain, with how many each.</summary>
    public async Task<Dictionary<string, int>> ShardPlacementAsync()
    {
        var stats = await Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats.Where(s => s.GrainType.Contains(nameof(CatalogShardGrain), StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress.ToString())
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>A copy of the trained version under another name, for the app and the silos (same files, so its manifest verifies; no shards yet).</summary>
    public string CopyVersion(string suffix)
    {
        // The trained version sorts first: every copy is its name plus a suffix.
        var original = Directory.GetDirectories(ModelsPath).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal).First();
        var name = Path.GetFileName(original) + suffix;
        foreach (var models in new[] { ModelsPath, SiloModelsPath })
        {
            var copy = Path.Combine(models, name);
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(Path.Combine(models, Path.GetFileName(original))))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }

        return name;
    }

    /// <summary>Waits until the app's version follower has told the cluster it serves <paramref name="version"/>.</summary>
    public async Task AnnouncedAsync(string version)
    {
        var grain = Cluster.Client.GetGrain<IServingVersionGrain>(0);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await grain.Get() != version)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"the app never announced version {version}");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> SlateAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static string[] VideoIds(JsonElement slate) =>
        slate.GetProperty("videos").EnumerateArray().Select(v => v.GetProperty("video_id").GetString()!).ToArray();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Parent.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
