using Prometheus;

namespace RecEngine.Cluster;

/// <summary>The cluster's Prometheus series (see RecEngineMetrics for the process's own).</summary>
internal static class ClusterMetrics
{
    public static readonly Counter MissingShards = Metrics.CreateCounter(
        "recengine_cluster_missing_shards_total", "Catalog shard answers missing from a search (late, failed or reactivating): each makes the slate degraded.");

    public static readonly Counter ShardCallsShed = Metrics.CreateCounter(
        "recengine_cluster_shard_calls_shed_total", "Shard searches not run because they reached the shard after their deadline (overload).");

    public static readonly Counter VersionMismatches = Metrics.CreateCounter(
        "recengine_cluster_version_mismatches_total", "Shard answers of another model version than the request's, dropped (expected 0).");

    public static readonly Counter UserGrainFallbacks = Metrics.CreateCounter(
        "recengine_cluster_user_grain_fallbacks_total", "User-grain reads answered from this silo's cache instead (the grain was late or failed), and event deliveries to user grains that failed.");

    public static readonly Counter VersionMoves = Metrics.CreateCounter(
        "recengine_cluster_version_moves_total", "Times this silo moved to the cluster's serving version.");
}
