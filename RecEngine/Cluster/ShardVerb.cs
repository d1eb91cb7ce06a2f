using Microsoft.Extensions.Options;
using RecEngine.Hosting;
using RecEngine.Retrieval;
using RecEngine.Serving;

namespace RecEngine.Cluster;

/// <summary><c>shard</c>: cuts a trained model version into catalog shard files for <c>serve --cluster</c>.</summary>
internal sealed class ShardVerb(IServingVersionSource versions, DataDirectory dataDir, IOptions<ClusterOptions> options) : IVerb
{
    public string Name => "shard";

    public string Summary => "Cut a trained model version into catalog shard files (with a checksum each) for 'serve --cluster'.";

    public string Usage => "[--version V] [--shards N]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("version", "Model version to cut", "the serving version"),
        new("shards", "Number of shards", "RecEngine:Cluster:Shards"),
    ];

    public string? ServerAlternative => null;

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var shards = command.GetInt("shards", options.Value.Shards, 1, 1024);
        var version = command.GetString("version");
        string folder;
        if (version is null)
        {
            var all = versions.VersionFolders();
            folder = all.Count > 0 ? all[0] : throw new VerbUsageException($"No model version in {dataDir.ModelsPath}: run 'train' first.");
        }
        else
        {
            folder = Path.Combine(dataDir.ModelsPath, version);
            if (version.Length == 0 || version.IndexOfAny(['/', '\\']) >= 0 || !Directory.Exists(folder))
            {
                throw new VerbUsageException($"No model version '{version}' in {dataDir.ModelsPath}.");
            }
        }

        try
        {
            var manifest = CatalogShardFiles.Write(folder, shards);
            Console.WriteLine($"Model version {manifest.Version}: {manifest.Rows} videos in {manifest.Shards} shards under {CatalogShardFiles.FolderOf(folder)}");
            return Task.FromResult(0);
        }
        catch (InvalidOperationException ex)
        {
            throw new VerbUsageException(ex.Message);
        }
    }
}
