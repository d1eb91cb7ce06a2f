using System.Text.Json;
using RecEngine.Features.Spec;
using RecEngine.Hosting;
using RecEngine.Models;

namespace RecEngine.Retrieval;

/// <summary>
/// A model version's catalog cut into shards for a cluster (<c>serve --cluster</c>; <c>train --shards N</c> and the
/// <c>shard</c> verb write them): <c>shards/shard-NNN.bin</c> holds
/// the trained rows whose video id hashes to shard NNN (FNV-1a 64, modulo the shard count) and their ALS item factors
/// in float32; <c>shards/shards.json</c> names the version, the shard count and each file's SHA-256. Written from the
/// version's own files (<c>als.bin</c>, <c>videos.json</c>) into a temp folder renamed into place, so a reader sees
/// all shards or none.
/// </summary>
internal static class CatalogShardFiles
{
    public const string FolderName = "shards";

    public const string ManifestFile = "shards.json";

    private const int Magic = 0x48534552; // "RESH"

    private const int FormatVersion = 1;

    public static string FolderOf(string versionDir) => Path.Combine(versionDir, FolderName);

    public static string FileName(int shard) => $"shard-{shard:D3}.bin";

    /// <summary>The shard a video belongs to: stable across processes and versions, so a video stays on its shard.</summary>
    public static int ShardOf(string videoId, int shards) => (int)(FeatureHashing.Fnv1a64(videoId) % (ulong)shards);

    /// <summary>The version's shard manifest, or null when the version has not been sharded.</summary>
    /// <exception cref="InvalidDataException">The manifest exists but cannot be read.</exception>
    public static ShardManifest? ReadManifest(string versionDir)
    {
        var path = Path.Combine(FolderOf(versionDir), ManifestFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), ServiceDefaults.Json);
            if (manifest is null || manifest.Shards < 1 || manifest.Files.Count != manifest.Shards)
            {
                throw new InvalidDataException($"{path} does not list one file per shard.");
            }

            return manifest;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a shard manifest: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Cuts the version at <paramref name="versionDir"/> into <paramref name="shards"/> shard files, or returns the
    /// manifest already there. Throws <see cref="InvalidOperationException"/> when it is already cut into another count.
    /// </summary>
    public static ShardManifest Write(string versionDir, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        if (ReadManifest(versionDir) is { } existing)
        {
            return existing.Shards == shards
                ? existing
                : throw new InvalidOperationException($"Model version {Path.GetFileName(versionDir)} is already cut into {existing.Shards} shards, not {shards}.");
        }

        var folder = ModelVersionFolder.At(versionDir);
        var als = AlsModel.Load(folder.Als);
        var ids = JsonSerializer.Deserialize<string[]>(File.ReadAllText(folder.Videos)) ?? [];
        if (ids.Length != als.ItemCount)
        {
            throw new InvalidDataException($"Model version {folder.Version}: {ids.Length} video ids for {als.ItemCount} item factors.");
        }

        var rowsOf = new List<int>[shards];
        for (var s = 0; s < shards; s++)
        {
            rowsOf[s] = [];
        }

        for (var row = 0; row < ids.Length; row++)
        {
            rowsOf[ShardOf(ids[row], shards)].Add(row);
        }

        var temp = Path.Combine(versionDir, $".shards-tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            var f = als.Factors;
            var row = new float[f];
            for (var s = 0; s < shards; s++)
            {
                var path = Path.Combine(temp, FileName(s));
                using (var writer = new BinaryWriter(File.Create(path)))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(rowsOf[s].Count);
                    writer.Write(f);
                    foreach (var r in rowsOf[s])
                    {
                        writer.Write(r);
                    }

                    foreach (var r in rowsOf[s])
                    {
                        als.Items.CopyRow(r, row);
                        foreach (var x in row)
                        {
                            writer.Write(x);
                        }
                    }
                }

                files[FileName(s)] = ModelVersionFolder.Checksum(path);
            }

            var manifest = new ShardManifest(folder.Version, shards, f, ids.Length, files);
            File.WriteAllText(Path.Combine(temp, ManifestFile), JsonSerializer.Serialize(manifest, ServiceDefaults.Json));
            DirectorySync.FlushTree(temp);
            try
            {
                Directory.Move(temp, FolderOf(versionDir));
            }
            catch (IOException) when (ReadManifest(versionDir) is { } raced && raced.Shards == shards)
            {
                // Another silo cut the same version first: its files are the same.
                Directory.Delete(temp, recursive: true);
                return raced;
            }

            DirectorySync.Flush(versionDir);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// Reads shard <paramref name="shard"/> of the version after checking its SHA-256 against the manifest.
    /// </summary>
    /// <exception cref="InvalidDataException">No manifest, no such shard, or the file fails its checksum or format.</exception>
    public static ShardSlice Read(string versionDir, int shard)
    {
        var manifest = ReadManifest(versionDir) ?? throw new InvalidDataException($"Model version {Path.GetFileName(versionDir)} has no catalog shards.");
        var name = FileName(shard);
        if (!manifest.Files.TryGetValue(name, out var expected))
        {
            throw new InvalidDataException($"Model version {manifest.Version} has no shard {shard} (it has {manifest.Shards}).");
        }

        var path = Path.Combine(FolderOf(versionDir), name);
        if (!File.Exists(path) || ModelVersionFolder.Checksum(path) != expected)
        {
            throw new InvalidDataException($"Shard file {path} fails its checksum: refused.");
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException($"{path} is not a catalog shard file.");
        }

        var count = reader.ReadInt32();
        var dims = reader.ReadInt32();
        var rows = new long[count];
        for (var i = 0; i < count; i++)
        {
            rows[i] = reader.ReadInt32();
        }

        var vectors = new float[(long)count * dims];
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = reader.ReadSingle();
        }

        return new ShardSlice(manifest.Version, rows, vectors, dims);
    }
}

/// <summary>What <c>shards/shards.json</c> says: the version, how many shards, factor length, trained rows, file checksums.</summary>
internal sealed record ShardManifest(string Version, int Shards, int Dimensions, int Rows, Dictionary<string, string> Files);

/// <summary>One shard's trained rows (of the version's <c>videos.json</c>) and their item factors, row-major.</summary>
internal sealed record ShardSlice(string Version, long[] Rows, float[] Vectors, int Dimensions);
