using System.Net.Http.Json;
using System.Numerics.Tensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;
using RecEngine.Tests.Retrieval;

namespace RecEngine.Tests.Serving;

/// <summary>
/// A version trained with the approximate index (not the exact one small catalogs get), in inverted files or HNSW
/// graphs, saves 8-bit rows without a float32 copy of the item vectors, serves from them, and <c>/metrics</c> reports
/// the process's memory by component.
/// </summary>
public sealed class MemoryFootprintTests
{
    [Theory]
    [InlineData(BandKind.InvertedFile, ".ivf")]
    [InlineData(BandKind.Graph, ".meta")]
    public async Task A_served_index_holds_no_vector_copy_and_metrics_break_memory_down_by_component(BandKind kind, string bandFile)
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Retrieval:Index:ExactBelow"] = "0",
            // Every norm band an index: this small world's bands would otherwise be scanned exactly, with nothing to measure.
            ["RecEngine:Retrieval:Index:ExactBandBelow"] = "0",
            ["RecEngine:Retrieval:Index:BandKind"] = kind.ToString(),
            ["RecEngine:Serving:LogImpressions"] = "false",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var client = factory.CreateClient();
        var version = LifecycleWorld.TrainAndPromote(factory.Services);

        var folder = Directory.GetDirectories(factory.DataDir, version, SearchOption.AllDirectories).Single();
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.Contains(files, f => f!.EndsWith(bandFile, StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f!.EndsWith(".items", StringComparison.Ordinal));

        var snapshot = factory.Services.GetRequiredService<ServingState>().Current!;
        var user = snapshot.Retrieval.UserIds.Length > 0 ? snapshot.Retrieval.UserIds[0] : "u00001";
        var answer = await client.GetFromJsonAsync<Recommendations>($"/v1/recommendations/{user}?k=10", TestJson.Options);
        Assert.NotNull(answer);
        Assert.False(answer.Degraded, answer.DegradedReason);
        Assert.Equal(10, answer.Videos.Count);

        // The gauge is process-wide and other test hosts run beside this one, so the values are read from this host's
        // footprint; /metrics must carry the series.
        var text = await client.GetStringAsync("/metrics");
        Assert.Contains("recengine_memory_bytes{component=\"vector_index\"}", text, StringComparison.Ordinal);
        var bytes = factory.Services.GetRequiredService<MemoryFootprint>().Measure().ToDictionary(kv => kv.Key, kv => (double)kv.Value);

        var videos = snapshot.Videos.Count;
        var f = snapshot.Retrieval.Als.Factors;
        // 8-bit rows: at least (f + 1) bytes per video plus links (a graph) or a scale and an id (an inverted file); far
        // below a float32 copy of the vectors.
        Assert.InRange(bytes["vector_index"], videos * (f + (kind == BandKind.Graph ? 1.0 : 12.0)), videos * f * 4.0 * 4);
        // Float16 item factors by default: two bytes a coordinate.
        Assert.Equal(ItemFactorPrecision.F16, snapshot.Retrieval.Als.Items.Precision);
        Assert.Equal((videos * f * 2.0) + (snapshot.Retrieval.Als.UserFactors.Length * 4.0), bytes["item_vectors"]);
        Assert.True(bytes["catalog_snapshot"] > snapshot.Videos.Ids.Sum(id => 2.0 * id.Length), "catalog_snapshot");
        foreach (var component in new[] { "co_watch", "catalog_index", "user_features", "litedb_cache", "managed_heap", "ranker_id_rows" })
        {
            Assert.True(bytes.GetValueOrDefault(component) > 0, component);
        }

        Assert.True(bytes["managed_heap"] > bytes["catalog_snapshot"] + bytes["user_features"], "managed heap below its parts");

        // The option switches the serving copy of the same version: float32 takes twice the bytes, and the personal
        // search finds the same videos with the same scores to float16's precision.
        var services = factory.Services;
        using (var single = ServingSnapshot.Load(
            folder, snapshot.Videos, snapshot.Trending, services.GetRequiredService<IOptions<VectorIndexOptions>>().Value,
            services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value,
            services.GetRequiredService<IOptions<AlsOptions>>().Value with { ItemFactorPrecision = ItemFactorPrecision.F32 },
            services.GetRequiredService<IOptions<CandidateOptions>>().Value))
        {
            Assert.Equal(ItemFactorPrecision.F32, single.Retrieval.Als.Items.Precision);
            Assert.Equal(2 * snapshot.Retrieval.Als.Items.Bytes, single.Retrieval.Als.Items.Bytes);
            var query = snapshot.Retrieval.Als.Items.RowArray(0);
            var compact = snapshot.Retrieval.Index.Search(query, 20);
            var full = single.Retrieval.Index.Search(query, 20);
            Assert.True(VectorTestData.Recall(full, compact) >= 0.9, "personal search differs between float16 and float32");
            var fullScores = full.ToDictionary(h => h.Id, h => h.Score);
            foreach (var hit in compact.Where(h => fullScores.ContainsKey(h.Id)))
            {
                var bound = TensorPrimitives.Norm(query) * TensorPrimitives.Norm(single.Retrieval.Als.Items.RowArray((int)hit.Id)) * 1e-3;
                Assert.InRange(hit.Score - fullScores[hit.Id], -bound, bound);
            }
        }

        // A catalog below the exact scan's threshold keeps float32 whatever the option says.
        using (var scanned = ServingSnapshot.Load(
            folder, snapshot.Videos, snapshot.Trending, services.GetRequiredService<IOptions<VectorIndexOptions>>().Value with { ExactBelow = videos + 1 },
            services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value,
            services.GetRequiredService<IOptions<AlsOptions>>().Value,
            services.GetRequiredService<IOptions<CandidateOptions>>().Value))
        {
            Assert.Equal(ItemFactorPrecision.F16, services.GetRequiredService<IOptions<AlsOptions>>().Value.ItemFactorPrecision);
            Assert.Equal(ItemFactorPrecision.F32, scanned.Retrieval.Als.Items.Precision);
        }

        // One copy of each video id: the snapshot and the user features hold the catalog lookup's own strings.
        var catalog = factory.Services.GetRequiredService<CatalogIndex>();
        Assert.All(snapshot.Videos.Ids.Take(100), id => Assert.Same(catalog.InternVideoId(new string(id.AsSpan())), id));
        var watcher = factory.Services.GetRequiredService<EventStore>().InWindow(DateTime.MinValue, DateTime.MaxValue).First(e => e.Type == EventType.Watch).UserId;
        var recent = factory.Services.GetRequiredService<UserFeatureCache>().Get(watcher).RecentWatches;
        Assert.NotEmpty(recent);
        Assert.All(recent, w => Assert.Same(catalog.InternVideoId(new string(w.VideoId.AsSpan())), w.VideoId));
    }
}
