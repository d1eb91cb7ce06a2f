using Microsoft.Extensions.Options;
using RecEngine.Models;
using RecEngine.Retrieval;
using RecEngine.Serving;

namespace RecEngine.Cluster;

/// <summary>
/// The serving snapshot's index on a cluster silo: the version's catalog shards (cut on first use, see
/// <see cref="CatalogShardFiles"/>), all activated and checked before the version may serve, so a shard file that fails
/// its checksum refuses the version and the one serving now keeps serving.
/// </summary>
internal sealed class ShardedIndexOpener(IGrainFactory grains, IOptions<ClusterOptions> options) : IRetrievalIndexOpener
{
    /// <summary>How long a version's shards may take to load (an HNSW build per shard above the exact threshold).</summary>
    private static readonly TimeSpan PrepareTimeout = TimeSpan.FromMinutes(10);

    public IVectorIndex Open(ModelVersionFolder folder, ItemFactorStore factors, bool[] trained, long[] currentRow, VectorIndexOptions indexOptions)
    {
        var manifest = CatalogShardFiles.ReadManifest(folder.Path) ?? CatalogShardFiles.Write(folder.Path, options.Value.Shards);
        if (manifest.Version != folder.Version)
        {
            throw new InvalidDataException($"The catalog shards in {folder.Path} belong to model version {manifest.Version}.");
        }

        var sharded = new ShardedVectorIndex(grains, manifest, options.Value.ShardDeadline);
        // Blocking here is off the request path: the loader builds snapshots on a background thread.
        sharded.PrepareAsync(PrepareTimeout).GetAwaiter().GetResult();
        return CatalogVectorIndex.OverCurrentCatalog(sharded, factors, trained, currentRow);
    }
}
