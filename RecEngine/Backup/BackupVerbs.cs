using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Backup;

/// <summary><c>backup --to DIR</c>: the same consistent backup as <c>POST /v1/backup</c>, when no server holds the store.</summary>
internal sealed class BackupVerb(StoreBackup backup) : IVerb
{
    public string Name => "backup";

    public string Summary => "Write a consistent backup (the store, its log and the model versions) into an empty folder.";

    public string Usage => "--to DIR";

    public IReadOnlyList<VerbOption> Options { get; } = [new("to", "the folder to write (created; must be empty)")];

    public string? ServerAlternative => "POST /v1/backup (admin key)";

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var to = command.GetString("to") ?? throw new VerbUsageException("--to DIR is required.");
        var result = backup.Create(Path.GetFullPath(to));
        Console.WriteLine($"Backup written to {result.Path}: {result.Bytes:N0} bytes, model versions {string.Join(", ", result.ModelVersions)}.");
        return Task.FromResult(0);
    }
}

/// <summary>
/// <c>restore --from DIR</c>: replaces the store and the model versions of the data directory with a backup's. What
/// it replaces is moved aside into <c>replaced-&lt;time&gt;/</c>, not deleted. Refused while a server holds the store.
/// </summary>
internal sealed class RestoreVerb(DataDirectory dataDir, TimeProvider time) : IVerb
{
    public string Name => "restore";

    public string Summary => "Replace the store and model versions with a backup (the replaced files are moved aside, not deleted).";

    public string Usage => "--from DIR";

    public IReadOnlyList<VerbOption> Options { get; } = [new("from", "a folder written by backup or POST /v1/backup")];

    public string? ServerAlternative => "nothing: stop the server first, then restore";

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var from = Path.GetFullPath(command.GetString("from") ?? throw new VerbUsageException("--from DIR is required."));
        var database = Path.Combine(from, Path.GetFileName(dataDir.DatabasePath));
        if (!File.Exists(Path.Combine(from, StoreBackup.ManifestName)) || !File.Exists(database))
        {
            throw new VerbUsageException($"'{from}' is not a backup: it has no {StoreBackup.ManifestName} and {Path.GetFileName(dataDir.DatabasePath)}.");
        }

        using (StoreLock.Acquire(dataDir))
        {
            var aside = Path.Combine(dataDir.Root, "replaced-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
            var log = RecEngineStore.LogPathOf(dataDir.DatabasePath);
            foreach (var path in new[] { dataDir.DatabasePath, log, dataDir.ModelsPath })
            {
                if (File.Exists(path) || Directory.Exists(path))
                {
                    Directory.CreateDirectory(aside);
                    Directory.Move(path, Path.Combine(aside, Path.GetFileName(path)));
                }
            }

            File.Copy(database, dataDir.DatabasePath);
            var backupLog = Path.Combine(from, Path.GetFileName(log));
            if (File.Exists(backupLog))
            {
                File.Copy(backupLog, log);
            }

            var models = Path.Combine(from, "models");
            if (Directory.Exists(models))
            {
                foreach (var file in Directory.GetFiles(models, "*", SearchOption.AllDirectories))
                {
                    var dest = Path.Combine(dataDir.ModelsPath, Path.GetRelativePath(models, file));
                    Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                    File.Copy(file, dest);
                }

                DirectorySync.FlushTree(dataDir.ModelsPath);
            }

            DirectorySync.FlushFile(dataDir.DatabasePath);
            if (File.Exists(log))
            {
                DirectorySync.FlushFile(log);
            }

            DirectorySync.Flush(dataDir.Root);
            Console.WriteLine($"Restored {from} into {dataDir.Root}" + (Directory.Exists(aside) ? $"; the replaced files are in {aside}." : "."));
        }

        // Open it once: recovery of the copied log, and an unreadable backup fails here (exit 4) rather than at serve.
        using var store = new RecEngineStore(dataDir);
        Console.WriteLine($"The restored store opens: {store.Videos.Count():N0} videos, {store.Users.Count():N0} users.");
        return Task.FromResult(0);
    }
}
