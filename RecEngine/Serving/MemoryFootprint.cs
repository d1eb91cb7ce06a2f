using Prometheus;
using RecEngine.Catalog;
using RecEngine.Features;

namespace RecEngine.Serving;

/// <summary>
/// <c>recengine_memory_bytes{component}</c>: what the serving process holds, by component, set when /metrics is
/// scraped. Native sizes (the HNSW graphs) are what usearch reports; managed sizes are estimates from counts and
/// string lengths (<see cref="Hosting.ManagedSize"/>), set beside the GC's own heap size so the unattributed rest shows.
/// </summary>
internal sealed class MemoryFootprint(ServingState state, UserFeatureCache users, CatalogIndex catalog, RecEngineStore store) : Hosting.ScrapeExporter
{
    public static readonly Gauge Bytes = Metrics.CreateGauge(
        "recengine_memory_bytes",
        "Bytes held by component: vector_index (graphs, native or mapped), item_vectors (ALS factors: the item factors in RecEngine:Retrieval:Als:ItemFactorPrecision, float16 by default), catalog_snapshot (video metadata and feature columns), catalog_index (id lookup for validation), co_watch, related_videos (item-to-item rows), ranker_id_rows (each candidate video's hashed ranker inputs, filled as videos become candidates), user_features, litedb_cache, managed_heap (the GC's heap size, all managed components included).",
        "component");

    /// <summary>The components now, in bytes (absent when unknown, e.g. no model loaded).</summary>
    public IReadOnlyDictionary<string, long> Measure()
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        if (state.Current is { } snapshot)
        {
            var retrieval = snapshot.Retrieval;
            bytes["vector_index"] = retrieval.Index.MemoryBytes;
            bytes["item_vectors"] = retrieval.Als.Items.Bytes + ((long)retrieval.Als.UserFactors.Length * sizeof(float));
            bytes["catalog_snapshot"] = snapshot.Videos.EstimatedBytes;
            bytes["co_watch"] = retrieval.CoWatch.MemoryBytes;
            bytes["related_videos"] = snapshot.Candidates.RelatedTableBytes;
            bytes["ranker_id_rows"] = snapshot.Scorer.VideoIdRowBytes;
        }

        bytes["catalog_index"] = catalog.EstimatedBytes;
        bytes["user_features"] = users.EstimatedBytes;
        if (store.CacheBytes is { } cache)
        {
            bytes["litedb_cache"] = cache;
        }

        bytes["managed_heap"] = GC.GetGCMemoryInfo().HeapSizeBytes;
        return bytes;
    }

    protected override void Export()
    {
        foreach (var (component, value) in Measure())
        {
            Bytes.WithLabels(component).Set(value);
        }
    }
}
