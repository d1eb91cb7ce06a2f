using System.Net;
using System.Net.Sockets;
using RecEngine.Cluster;
using RecEngine.Hosting;
using RecEngine.Models;
using RecEngine.Retrieval;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Cluster;

/// <summary>The cluster's command line: a silo that cannot join exits with a message, and the <c>shard</c> verb.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class ClusterCliTests(ServedWorld world)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ASiloThatCannotReachItsMembershipExitsWithAMessage()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // A loopback port nothing listens on: the Redis membership table is unreachable.
            var redis = FreePort();
            var (code, stdout, stderr) = await CliProcess.RunAsync(
                Timeout, "serve", "--cluster", "--urls", $"http://127.0.0.1:{FreePort()}", $"--RecEngine:DataDir={dataDir}", "--RecEngine:FirstRunDemo=false",
                $"--RecEngine:Cluster:Redis=127.0.0.1:{redis}", $"--RecEngine:Cluster:SiloPort={FreePort()}", $"--RecEngine:Cluster:GatewayPort={FreePort()}",
                "--RecEngine:Cluster:JoinTimeout=00:00:20");
            Assert.True(code == ServeVerb.ClusterJoinFailedExitCode, $"exit {code}: {stderr} {stdout}");
            Assert.Contains("could not join the cluster 'recengine'", stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ShardCutsAVersionIntoFilesWithAChecksumEachAndRefusesBadInput()
    {
        await using var factory = world.Factory();
        var data = $"--RecEngine:DataDir={factory.DataDir}";
        var version = Path.GetFileName(Directory.GetDirectories(Path.Combine(factory.DataDir, "models")).Single());

        var unknown = await CliProcess.RunAsync(Timeout, "shard", "--version", "v-none", data);
        Assert.True(unknown.ExitCode == 2, $"exit {unknown.ExitCode}: {unknown.StdErr}");
        Assert.Contains("No model version 'v-none'", unknown.StdErr, StringComparison.Ordinal);
        var zero = await CliProcess.RunAsync(Timeout, "shard", "--shards", "0", data);
        Assert.True(zero.ExitCode == 2, $"exit {zero.ExitCode}: {zero.StdErr}");

        var cut = await CliProcess.RunAsync(Timeout, "shard", "--version", version, "--shards", "3", data);
        Assert.True(cut.ExitCode == 0, cut.StdErr + cut.StdOut);
        var versionDir = Path.Combine(factory.DataDir, "models", version);
        var manifest = CatalogShardFiles.ReadManifest(versionDir)!;
        Assert.Equal(3, manifest.Shards);
        Assert.Equal(version, manifest.Version);
        var rows = new HashSet<long>();
        for (var s = 0; s < 3; s++)
        {
            var file = Path.Combine(CatalogShardFiles.FolderOf(versionDir), CatalogShardFiles.FileName(s));
            Assert.Equal(manifest.Files[CatalogShardFiles.FileName(s)], ModelVersionFolder.Checksum(file));
            var slice = CatalogShardFiles.Read(versionDir, s);
            Assert.NotEmpty(slice.Rows);
            Assert.All(slice.Rows, r => Assert.True(rows.Add(r), $"row {r} in two shards"));
        }

        // Every trained video is in exactly one shard.
        Assert.Equal(manifest.Rows, rows.Count);
        // The version folder itself still verifies (the shards sit beside its manifest, not in it).
        Assert.Empty(ModelVersionFolder.At(versionDir).Verify());
        var again = await CliProcess.RunAsync(Timeout, "shard", "--version", version, "--shards", "4", data);
        Assert.True(again.ExitCode == 2, $"exit {again.ExitCode}: {again.StdErr}");
        Assert.Contains("already cut into 3 shards", again.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainWithShardsWritesTheVersionsShardFiles()
    {
        await using var factory = new RecEngineFactory();
        world.CopyTo(factory.DataDir, withModels: false);
        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", "--shards", "2", $"--RecEngine:DataDir={factory.DataDir}");
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
        var versionDir = Directory.GetDirectories(Path.Combine(factory.DataDir, "models")).Single();
        var manifest = CatalogShardFiles.ReadManifest(versionDir);
        Assert.NotNull(manifest);
        Assert.Equal(2, manifest.Shards);
        Assert.Equal(Path.GetFileName(versionDir), manifest.Version);
        Assert.Equal(manifest.Rows, CatalogShardFiles.Read(versionDir, 0).Rows.Length + CatalogShardFiles.Read(versionDir, 1).Rows.Length);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
