using RecEngine.Hosting;

namespace RecEngine.Lifecycle;

/// <summary>
/// At start, deletes the temp folders (<c>models/.tmp-*</c>) that a crash during training left behind. A version
/// only appears under its own name once all its files are written (rename), so serving never sees these. Also rejects
/// the candidates whose canary the stop interrupted (<see cref="ModelRegistry.RejectInterruptedCanaries"/>).
/// </summary>
internal sealed partial class LeftoverModelCleanup(DataDirectory dataDir, ModelRegistry registry, ILogger<LeftoverModelCleanup> logger) : IHostedService
{
    public const string TempPrefix = ".tmp-";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Clean();
        foreach (var version in registry.RejectInterruptedCanaries())
        {
            LogCanaryInterrupted(version);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deletes the leftovers and returns how many there were.</summary>
    internal int Clean()
    {
        if (!Directory.Exists(dataDir.ModelsPath))
        {
            return 0;
        }

        var removed = 0;
        foreach (var leftover in Directory.GetDirectories(dataDir.ModelsPath, TempPrefix + "*"))
        {
            try
            {
                Directory.Delete(leftover, recursive: true);
                LogRemoved(Path.GetFileName(leftover));
                removed++;
            }
            catch (IOException ex)
            {
                LogNotRemoved(Path.GetFileName(leftover), ex.Message);
            }
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Folder}, left behind by a training that did not finish")]
    private partial void LogRemoved(string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model version {Version} was serving a canary when the server stopped: rejected, the next retraining trains a new candidate")]
    private partial void LogCanaryInterrupted(string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the unfinished training folder {Folder}: {Reason}")]
    private partial void LogNotRemoved(string folder, string reason);
}
