using System.Security.Cryptography;
using System.Text.Json;
using RecEngine.Hosting;
using RecEngine.Retrieval;

namespace RecEngine.Training;

/// <summary>
/// The files of one model version under <c>models/&lt;version&gt;/</c>: <c>ranker.onnx</c>, <c>feature_spec.json</c>,
/// <c>als.bin</c> (factors and the item Gramian for fold-in), <c>videos.json</c> (the video ids in factor order),
/// <c>metrics.json</c>, and <c>manifest.json</c> with a SHA-256 per file. Written into a temp folder and renamed
/// into place, so a crash mid-write never leaves a half version behind.
/// </summary>
public static class ModelArtifacts
{
    public const string Manifest = "manifest.json";

    /// <summary>The HNSW graph of a version (with its <c>.items</c> vectors beside it); absent for small catalogs.</summary>
    public const string IndexFile = "index.usearch";

    /// <summary>The co-watch table of the version's window (<see cref="CoWatchTable"/>), rows in <c>videos.json</c> order.</summary>
    public const string CoWatchFile = "cowatch.bin";

    public static string Write(DataDirectory dataDir, string version, Action<string> writeFiles) => Write(dataDir.ModelsPath, version, writeFiles);

    public static string Write(string models, string version, Action<string> writeFiles)
    {
        Directory.CreateDirectory(models);
        var final = Path.Combine(models, version);
        if (Directory.Exists(final))
        {
            throw new IOException($"Model version {version} already exists.");
        }

        var temp = Path.Combine(models, $".tmp-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(temp);
            var checksums = Directory.GetFiles(temp).Order(StringComparer.Ordinal)
                .ToDictionary(f => Path.GetFileName(f), f => Checksum(f), StringComparer.Ordinal);
            File.WriteAllText(Path.Combine(temp, Manifest), JsonSerializer.Serialize(new { version, files = checksums }, ServiceDefaults.Json));
            // Every file and the folder on stable storage before the rename publishes them, and the rename itself
            // (an entry of the models folder) after: power lost at any point leaves a temp folder or a whole version.
            DirectorySync.FlushTree(temp);
            Directory.Move(temp, final);
            DirectorySync.Flush(models);
            return final;
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>SHA-256 of a file, streamed: index files run to hundreds of megabytes.</summary>
    public static string Checksum(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Names of files whose SHA-256 differs from the manifest, or that are missing.
    /// </summary>
    /// <exception cref="InvalidDataException">The manifest is missing, empty, truncated or not a manifest; the message names its path.</exception>
    public static List<string> Verify(string versionDir)
    {
        var manifestPath = Path.Combine(versionDir, Manifest);
        JsonElement files;
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
            files = manifest.RootElement.GetProperty("files").Clone();
            if (files.ValueKind != JsonValueKind.Object || !files.EnumerateObject().Any())
            {
                throw new InvalidDataException($"{manifestPath} lists no files.");
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"{manifestPath} is missing, empty, truncated or not a manifest: {ex.Message}", ex);
        }

        var bad = new List<string>();
        foreach (var file in files.EnumerateObject())
        {
            var path = Path.Combine(versionDir, file.Name);
            if (!File.Exists(path) || Checksum(path) != file.Value.GetString())
            {
                bad.Add(file.Name);
            }
        }

        return bad;
    }

    /// <summary>ALS factors and the item Gramian, little-endian floats and doubles after a small header.</summary>
    public static void SaveAls(AlsModel model, string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RECALS1");
        writer.Write(model.UserCount);
        writer.Write(model.ItemCount);
        writer.Write(model.Factors);
        writer.Write(model.Regularization);
        foreach (var x in model.UserFactors)
        {
            writer.Write(x);
        }

        foreach (var x in model.ItemFactors)
        {
            writer.Write(x);
        }

        foreach (var x in model.ItemGramian)
        {
            writer.Write(x);
        }
    }

    public static AlsModel LoadAls(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadString() != "RECALS1")
        {
            throw new InvalidDataException($"{path} is not an ALS model file.");
        }

        var users = reader.ReadInt32();
        var items = reader.ReadInt32();
        var factors = reader.ReadInt32();
        var regularization = reader.ReadDouble();
        var userFactors = new float[users * factors];
        for (var i = 0; i < userFactors.Length; i++)
        {
            userFactors[i] = reader.ReadSingle();
        }

        var itemFactors = new float[items * factors];
        for (var i = 0; i < itemFactors.Length; i++)
        {
            itemFactors[i] = reader.ReadSingle();
        }

        var gramian = new double[factors * factors];
        for (var i = 0; i < gramian.Length; i++)
        {
            gramian[i] = reader.ReadDouble();
        }

        return new AlsModel(users, items, factors, regularization, userFactors, itemFactors, gramian);
    }
}
