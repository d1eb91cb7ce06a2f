using System.Globalization;
using RecEngine.Retrieval;

namespace RecEngine.Cluster;

/// <summary>One catalog shard of one model version, keyed <c>{version}/{shard}/{shards}</c> (<see cref="CatalogShardKey"/>).</summary>
internal interface ICatalogShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the shard if it is not loaded; null when it serves, else why its file was refused.</summary>
    Task<string?> Prepare();

    /// <summary>
    /// The shard's top <paramref name="k"/> trained rows by inner product with <paramref name="query"/>, best first; an
    /// empty answer when the call reaches the shard after <paramref name="deadlineUtc"/> (the caller has moved on).
    /// </summary>
    Task<ShardAnswer> Search(float[] query, int k, DateTime deadlineUtc);
}

/// <summary>
/// A shard's answer: the version it searched (a request reads one version), trained rows and their scores, best first;
/// <see cref="Shed"/> when the call reached the shard too late to be searched.
/// </summary>
[GenerateSerializer, Immutable]
internal sealed record ShardAnswer([property: Id(0)] string Version, [property: Id(1)] long[] Rows, [property: Id(2)] float[] Scores, [property: Id(3)] bool Shed = false);

internal static class CatalogShardKey
{
    /// <summary><c>{version}/{shard}/{shards}</c>: the count lets a silo that lacks the version's shard files cut the same ones.</summary>
    public static string Of(string version, int shard, int shards) => FormattableString.Invariant($"{version}/{shard}/{shards}");

    public static (string Version, int Shard, int Shards) Parse(string key)
    {
        var last = key.LastIndexOf('/');
        var middle = key.LastIndexOf('/', last - 1);
        return (key[..middle], int.Parse(key[(middle + 1)..last], CultureInfo.InvariantCulture), int.Parse(key[(last + 1)..], CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Owns the vector index of its slice of a model version: on activation it reads its shard file (checked against the
/// manifest's SHA-256; a file that fails is refused, and the grain answers nothing) and builds the same index a single
/// process would (<see cref="VectorIndexes.Build(long[], ItemFactorStore, VectorIndexOptions)"/>: exact below the
/// threshold, HNSW above). Searches run one at a time on the grain; a call that waited past its deadline is shed.
/// Orleans places the grain on some silo and, when that silo leaves, activates it again on another one.
/// </summary>
internal sealed partial class CatalogShardGrain(CatalogShardSource source, ILogger<CatalogShardGrain> logger) : Grain, ICatalogShardGrain
{
    private IVectorIndex? _index;
    private string? _refused;
    private string _version = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (version, shard, shards) = CatalogShardKey.Parse(this.GetPrimaryKeyString());
        _version = version;
        return Task.Run(() =>
        {
            try
            {
                var versionDir = source.VersionDir(version);
                if (CatalogShardFiles.ReadManifest(versionDir) is null && Directory.Exists(versionDir))
                {
                    // This silo's copy of the version was not cut yet: cutting is deterministic, so it writes the same
                    // files (and checksums) as the silo that did. Files already there are only ever checked, not redone.
                    CatalogShardFiles.Write(versionDir, shards);
                }

                if (CatalogShardFiles.ReadManifest(versionDir) is { } manifest && manifest.Shards != shards)
                {
                    throw new InvalidDataException($"Model version {version} is cut into {manifest.Shards} shards on this silo, not {shards}.");
                }

                var slice = CatalogShardFiles.Read(versionDir, shard);
                _index = VectorIndexes.Build(slice.Rows, ItemFactorStore.Of(slice.Vectors, slice.Dimensions), source.IndexOptions);
                LogLoaded(version, shard, slice.Rows.Length);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                _refused = ex.Message;
                LogRefused(version, shard, ex.Message);
            }
        }, cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _index?.Dispose();
        _index = null;
        return Task.CompletedTask;
    }

    public Task<string?> Prepare() => Task.FromResult(_index is null ? _refused ?? "not loaded" : null);

    public Task<ShardAnswer> Search(float[] query, int k, DateTime deadlineUtc)
    {
        var index = _index ?? throw new InvalidOperationException($"Catalog shard {this.GetPrimaryKeyString()} does not serve: {_refused}");
        // A call queued past its deadline is not searched: under overload the shard sheds the work nobody waits for.
        if (DateTime.UtcNow > deadlineUtc)
        {
            ClusterMetrics.ShardCallsShed.Inc();
            return Task.FromResult(new ShardAnswer(_version, [], [], Shed: true));
        }

        // Inline, one search at a time per shard: a scan of a slice takes well under a millisecond here, and a queue
        // in front of the shard (shed above) is what keeps an overloaded silo answering.
        var hits = index.Search(query, k);
        var rows = new long[hits.Length];
        var scores = new float[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            rows[i] = hits[i].Id;
            scores[i] = hits[i].Score;
        }

        return Task.FromResult(new ShardAnswer(_version, rows, scores));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Catalog shard {Shard} of model version {Version} serves {Rows} videos")]
    private partial void LogLoaded(string version, int shard, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog shard {Shard} of model version {Version} refused: {Reason}")]
    private partial void LogRefused(string version, int shard, string reason);
}

/// <summary>Where a silo's shard grains read their files, and the index options they build with.</summary>
internal sealed class CatalogShardSource(string modelsPath, VectorIndexOptions indexOptions)
{
    public VectorIndexOptions IndexOptions { get; } = indexOptions;

    public string VersionDir(string version) => Path.Combine(modelsPath, version);
}
