using System.Text.Json;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Backup;

/// <summary>What a backup holds.</summary>
internal sealed record BackupResult(string Path, DateTime CreatedAt, long Bytes, IReadOnlyList<string> ModelVersions);

/// <summary>
/// A consistent copy of the data directory while the store is open (by a server or by the <c>backup</c> verb): the
/// LiteDB file, its log and the model version folders, into a new folder with a <c>backup.json</c>.
/// <para>
/// Consistency: LiteDB writes every commit to its log and copies the log into the data file only at a checkpoint. The
/// backup turns automatic checkpoints off, checkpoints once, and copies the data file, which then does not change;
/// then copies the log (the commits since), with event commits held back and only whole pages, so the copy ends at a
/// commit boundary or in a torn transaction that LiteDB's recovery drops. Ingestion waits only for the log copy.
/// </para>
/// </summary>
internal sealed class StoreBackup(RecEngineStore store, EventStore events, DataDirectory dataDir, TimeProvider time)
{
    public const string ManifestName = "backup.json";

    /// <summary>LiteDB's page size: the log is copied in whole pages.</summary>
    private const int PageSize = 8192;

    /// <summary>Where the admin endpoint writes backups: <c>backups/</c> in the data directory.</summary>
    public string DefaultRoot => Path.Combine(dataDir.Root, "backups");

    private int _running;

    /// <summary>Like <see cref="Create"/>, or null at once when a backup is already running.</summary>
    public BackupResult? TryCreate()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return null;
        }

        try
        {
            return Create();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public BackupResult Create(string? target = null)
    {
        var createdAt = time.GetUtcNow().UtcDateTime;
        target ??= Path.Combine(DefaultRoot, createdAt.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new IOException($"The backup folder '{target}' is not empty.");
        }

        Directory.CreateDirectory(target);
        var db = store.Database;
        var checkpoint = db.Pragma("CHECKPOINT");
        long bytes = 0;
        try
        {
            db.Pragma("CHECKPOINT", 0);
            db.Checkpoint();
            bytes += Copy(store.DatabasePath, Path.Combine(target, Path.GetFileName(store.DatabasePath)), long.MaxValue);
            using (events.EnterExclusiveRead())
            {
                var log = new FileInfo(store.LogPath);
                var length = log.Exists ? log.Length - (log.Length % PageSize) : 0;
                bytes += Copy(store.LogPath, Path.Combine(target, Path.GetFileName(store.LogPath)), length);
            }
        }
        finally
        {
            db.Pragma("CHECKPOINT", checkpoint);
        }

        // Model versions are immutable once renamed into place: copied without holding anything.
        var versions = new List<string>();
        if (Directory.Exists(dataDir.ModelsPath))
        {
            foreach (var version in Directory.GetDirectories(dataDir.ModelsPath).Where(d => !Path.GetFileName(d).StartsWith('.')))
            {
                var to = Path.Combine(target, "models", Path.GetFileName(version));
                foreach (var file in Directory.GetFiles(version, "*", SearchOption.AllDirectories))
                {
                    var dest = Path.Combine(to, Path.GetRelativePath(version, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                    bytes += Copy(file, dest, long.MaxValue);
                }

                versions.Add(Path.GetFileName(version));
            }
        }

        var result = new BackupResult(target, createdAt, bytes, versions);
        File.WriteAllText(Path.Combine(target, ManifestName), JsonSerializer.Serialize(result, ServiceDefaults.Json));
        DirectorySync.FlushTree(target);
        return result;
    }

    /// <summary>Copies up to <paramref name="length"/> bytes; the source stays open for the store's own writes.</summary>
    private static long Copy(string from, string to, long length)
    {
        if (!File.Exists(from))
        {
            return 0;
        }

        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
        using var dest = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        long copied = 0;
        while (copied < length)
        {
            var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length - copied));
            if (read == 0)
            {
                break;
            }

            dest.Write(buffer, 0, read);
            copied += read;
        }

        dest.Flush(flushToDisk: true);
        return copied;
    }
}
