using System.ComponentModel.DataAnnotations;

namespace RecEngine.Cluster;

/// <summary>The Orleans cluster of <c>serve --cluster</c>, section <c>RecEngine:Cluster</c>.</summary>
internal sealed record ClusterOptions
{
    public const string Section = "RecEngine:Cluster";

    /// <summary>Run as a silo of the cluster (set by <c>serve --cluster</c>); off: the single process, unchanged.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// Redis connection string of the membership table (for example <c>localhost:6379</c>); empty: Orleans' localhost
    /// clustering, the first silo at <see cref="PrimarySiloPort"/>.
    /// </summary>
    public string Redis { get; init; } = "";

    /// <summary>Name of the cluster: silos join only a cluster of the same id.</summary>
    [Required]
    public string ClusterId { get; init; } = "recengine";

    /// <summary>This silo's port for silo-to-silo messages (loopback).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; init; } = 11111;

    /// <summary>This silo's gateway port for Orleans clients (loopback).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Localhost clustering only: the silo port of the primary silo every other silo joins through.</summary>
    [Range(1, 65535)]
    public int PrimarySiloPort { get; init; } = 11111;

    /// <summary>Catalog shards a model version is cut into when a silo first serves it (files under <c>models/VERSION/shards</c>).</summary>
    [Range(1, 1024)]
    public int Shards { get; init; } = 4;

    /// <summary>
    /// A vector search waits this long for the catalog shards; a shard that answers later is left out and the slate is
    /// degraded. Per search (the personal one, and an item-to-item seed not yet in the related table), so it sits
    /// within RecEngine:Serving:RetrieveBudget.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ShardDeadline { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How often a silo reads the cluster's serving version and moves to it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan FollowPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A silo that has not joined the cluster by then stops with an error (exit code 6).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
