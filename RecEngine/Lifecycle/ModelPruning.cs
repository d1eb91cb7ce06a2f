using Microsoft.Extensions.Options;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// Deletes the folders of old model versions every <see cref="LifecycleOptions.PruneInterval"/>: keeps
/// the serving version (registry and in memory), the canary, and the <see cref="LifecycleOptions.KeepVersions"/>
/// newest. Registry records stay, so the history is kept; promoting a pruned version answers that its files are gone.
/// </summary>
internal sealed partial class ModelPruning(
    DataDirectory dataDir, ModelRegistry registry, ServingState state, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<ModelPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass one interval after start, not at start: a version that fails to load at start falls back to
        // an older promoted one, which must not be deleted under the loader.
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Prune();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>Deletes the folders not kept; returns the versions deleted.</summary>
    internal List<string> Prune()
    {
        if (!Directory.Exists(dataDir.ModelsPath))
        {
            return [];
        }

        var versions = Directory.GetDirectories(dataDir.ModelsPath)
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith(LeftoverModelCleanup.TempPrefix, StringComparison.Ordinal))
            .Select(n => n!)
            .OrderByDescending(n => n, StringComparer.Ordinal)
            .ToList();
        var keep = new HashSet<string>(versions.Take(options.Value.KeepVersions), StringComparer.Ordinal);
        foreach (var kept in new[] { registry.Serving()?.Version, state.Current?.Version, state.Canary?.Version })
        {
            if (kept is not null)
            {
                keep.Add(kept);
            }
        }

        var deleted = new List<string>();
        foreach (var version in versions.Where(v => !keep.Contains(v)))
        {
            try
            {
                Directory.Delete(Path.Combine(dataDir.ModelsPath, version), recursive: true);
                deleted.Add(version);
                LogPruned(version);
            }
            catch (IOException ex)
            {
                LogNotPruned(version, ex.Message);
            }
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned the files of model version {Version} (not serving, not a canary, not among the newest kept)")]
    private partial void LogPruned(string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prune model version {Version}: {Reason}")]
    private partial void LogNotPruned(string version, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model pruning failed; the next pass retries")]
    private partial void LogFailed(Exception ex);
}
