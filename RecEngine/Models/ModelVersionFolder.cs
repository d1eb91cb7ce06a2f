using System.Security.Cryptography;
using System.Text.Json;
using RecEngine.Hosting;

namespace RecEngine.Models;

/// <summary>
/// One model version's folder, <c>models/&lt;version&gt;/</c>: the one owner of its file names, of writing it (a temp
/// folder, every file and the folder flushed, then renamed into place, so a crash never leaves half a version) and of
/// verifying it against <c>manifest.json</c>, which holds a SHA-256 per file. Training writes through it, serving
/// reads through it, and the lifecycle registers it.
/// </summary>
internal sealed class ModelVersionFolder
{
    public const string ManifestFile = "manifest.json";

    /// <summary>The ranker, exported to ONNX.</summary>
    public const string RankerFile = "ranker.onnx";

    /// <summary>The ranker's fitted preprocessing (statistics, vocabularies).</summary>
    public const string FeatureSpecFile = "feature_spec.json";

    /// <summary>ALS factors and the item Gramian for fold-in.</summary>
    public const string AlsFile = "als.bin";

    /// <summary>The video ids in factor order.</summary>
    public const string VideosFile = "videos.json";

    /// <summary>Training figures (window, examples, losses, phase timings).</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>The HNSW graph (norm bands beside it); absent for small catalogs, which are searched exactly.</summary>
    public const string IndexFile = "index.usearch";

    /// <summary>The co-watch table of the version's window, rows in <see cref="VideosFile"/> order.</summary>
    public const string CoWatchFile = "cowatch.bin";

    /// <summary>
    /// The map from thumbnail embeddings to item factors, read by unwatched videos' content vectors and the ranker's
    /// <c>thumbnail_affinity</c> input; absent when too few videos had thumbnails or it explained too little.
    /// </summary>
    public const string ThumbnailProjectionFile = "thumbnail_projection.bin";

    /// <summary>The reference profile drift checks compare serving against.</summary>
    public const string DriftReferenceFile = "drift_reference.json";

    private ModelVersionFolder(string path)
    {
        Path = path;
        Version = System.IO.Path.GetFileName(path);
    }

    public string Path { get; }

    public string Version { get; }

    public string Ranker => File(RankerFile);

    public string FeatureSpec => File(FeatureSpecFile);

    public string Als => File(AlsFile);

    public string Videos => File(VideosFile);

    public string Metrics => File(MetricsFile);

    public string Index => File(IndexFile);

    public string CoWatch => File(CoWatchFile);

    public string ThumbnailProjection => File(ThumbnailProjectionFile);

    public string DriftReference => File(DriftReferenceFile);

    public string Manifest => File(ManifestFile);

    /// <summary>The folder at <paramref name="path"/> (not checked; see <see cref="Verify"/>).</summary>
    public static ModelVersionFolder At(string path) => new(path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static ModelVersionFolder Write(DataDirectory dataDir, string version, Action<ModelVersionFolder> writeFiles) => Write(dataDir.ModelsPath, version, writeFiles);

    /// <summary>
    /// Writes version <paramref name="version"/> under <paramref name="models"/>: <paramref name="writeFiles"/> fills a
    /// temp folder, the manifest is added, and the folder is renamed into place once everything is on stable storage.
    /// </summary>
    public static ModelVersionFolder Write(string models, string version, Action<ModelVersionFolder> writeFiles)
    {
        Directory.CreateDirectory(models);
        var final = System.IO.Path.Combine(models, version);
        if (Directory.Exists(final))
        {
            throw new IOException($"Model version {version} already exists.");
        }

        var temp = System.IO.Path.Combine(models, $".tmp-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            writeFiles(new ModelVersionFolder(temp));
            var checksums = Directory.GetFiles(temp).Order(StringComparer.Ordinal)
                .ToDictionary(f => System.IO.Path.GetFileName(f), f => Checksum(f), StringComparer.Ordinal);
            System.IO.File.WriteAllText(System.IO.Path.Combine(temp, ManifestFile), JsonSerializer.Serialize(new { version, files = checksums }, ServiceDefaults.Json));
            // Every file and the folder on stable storage before the rename publishes them, and the rename itself
            // (an entry of the models folder) after: power lost at any point leaves a temp folder or a whole version.
            DirectorySync.FlushTree(temp);
            Directory.Move(temp, final);
            DirectorySync.Flush(models);
            return new ModelVersionFolder(final);
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

    /// <summary>Names of files whose SHA-256 differs from the manifest, or that are missing.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing, empty, truncated or not a manifest; the message names its path.</exception>
    public List<string> Verify()
    {
        var manifestPath = Manifest;
        JsonElement files;
        try
        {
            using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(manifestPath));
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
            var path = File(file.Name);
            if (!System.IO.File.Exists(path) || Checksum(path) != file.Value.GetString())
            {
                bad.Add(file.Name);
            }
        }

        return bad;
    }
}
