using Orleans.Concurrency;
using RecEngine.Retrieval;

namespace RecEngine.Cluster;

/// <summary>One catalog shard of one model version, keyed <c>{version}/{shard}</c> (<see cref="CatalogShardKey"/>).</summary>
internal interface ICatalogShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the shard if it is not loaded; null when it serves, else why its file was refused.</summary>
    Task<string?> Prepare();

    /// <summary>The shard's top <paramref name="k"/> trained rows by inner product with <paramref name="query"/>, best first.</summary>
    Task<ShardAnswer> Search(float[] query, int k);
}

/// <summary>A shard's answer: the version it searched (a request reads one version), trained rows and their scores, best first.</summary>
[GenerateSerializer, Immutable]
internal sealed record ShardAnswer([property: Id(0)] string Version, [property: Id(1)] long[] Rows, [property: Id(2)] float[] Scores);

internal static class CatalogShardKey
{
    public static string Of(string version, int shard) => $"{version}/{shard}";

    public static (string Version, int Shard) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Owns the vector index of its slice of a model version: on activation it reads its shard file (checked against the
/// manifest's SHA-256; a file that fails is refused, and the grain answers nothing) and builds the same index a single
/// process would (<see cref="VectorIndexes.Build(long[], ItemFactorStore, VectorIndexOptions)"/>: exact below the
/// threshold, HNSW above). Searches run on the thread pool, interleaved: the index is safe for concurrent searches.
/// Orleans places the grain on some silo and, when that silo leaves, activates it again on another one.
/// </summary>
[Reentrant]
internal sealed partial class CatalogShardGrain(CatalogShardSource source, ILogger<CatalogShardGrain> logger) : Grain, ICatalogShardGrain
{
    private IVectorIndex? _index;
    private string? _refused;
    private string _version = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (version, shard) = CatalogShardKey.Parse(this.GetPrimaryKeyString());
        _version = version;
        return Task.Run(() =>
        {
            try
            {
                var slice = CatalogShardFiles.Read(source.VersionDir(version), shard);
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

    public Task<ShardAnswer> Search(float[] query, int k)
    {
        var index = _index ?? throw new InvalidOperationException($"Catalog shard {this.GetPrimaryKeyString()} does not serve: {_refused}");
        return Task.Run(() =>
        {
            var hits = index.Search(query, k);
            var rows = new long[hits.Length];
            var scores = new float[hits.Length];
            for (var i = 0; i < hits.Length; i++)
            {
                rows[i] = hits[i].Id;
                scores[i] = hits[i].Score;
            }

            return new ShardAnswer(_version, rows, scores);
        });
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
