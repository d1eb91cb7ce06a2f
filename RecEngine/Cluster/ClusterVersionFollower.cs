using Microsoft.Extensions.Options;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Cluster;

/// <summary>
/// Keeps this silo on the cluster's serving version (<see cref="IServingVersionGrain"/>). Each tick: when this silo's
/// own version changed since the last tick (a promotion through its API), or the cluster has none, it tells the cluster;
/// otherwise, when the cluster serves another version, it builds that version's snapshot off to the side (its shards
/// activate on their silos) and swaps it in. Requests in flight finish on the snapshot they leased, so a request reads
/// one version from start to end, and a version whose shards refuse their files is not swapped in.
/// </summary>
internal sealed partial class ClusterVersionFollower(
    IGrainFactory grains,
    ServingState state,
    ServingLoader loader,
    DataDirectory dataDir,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<ClusterVersionFollower> logger) : BackgroundService
{
    private string? _lastLocal;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FollowPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogTickFailed(ex);
            }
        }
    }

    /// <summary>One step of following; returns the version this silo serves afterwards.</summary>
    internal async Task<string?> TickAsync(CancellationToken cancellationToken)
    {
        var cluster = grains.GetGrain<IServingVersionGrain>(0);
        var local = state.Current?.Version;
        var wanted = await cluster.Get();
        // The cluster follows this silo when it has no version yet (the first silo, or the grain's silo left), or when this
        // silo moved on its own since the last tick (a promotion through its API). A silo that just started follows the cluster.
        var movedHere = _lastLocal is not null && local != _lastLocal;
        if (local is not null && local != wanted && (wanted is null || movedHere))
        {
            await cluster.Set(local);
            _lastLocal = local;
            LogAnnounced(local);
            return local;
        }

        _lastLocal = local;
        if (wanted is null || wanted == local)
        {
            return local;
        }

        var folder = Path.Combine(dataDir.ModelsPath, wanted);
        if (!Directory.Exists(folder))
        {
            LogMissing(wanted, folder);
            return local;
        }

        try
        {
            var snapshot = await Task.Run(() => loader.LoadSnapshot(folder), cancellationToken);
            state.Publish(snapshot);
            _lastLocal = wanted;
            ClusterMetrics.VersionMoves.Inc();
            LogMoved(local ?? "(none)", wanted);
            return wanted;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            LogRefused(wanted, ex.Message);
            return local;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This silo serves model version {Version}: the cluster follows")]
    private partial void LogAnnounced(string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved from model version {From} to the cluster's {To}")]
    private partial void LogMoved(string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster serves model version {Version}, which is not in {Folder}: staying on the current one")]
    private partial void LogMissing(string version, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model version {Version} refused on this silo: {Reason}; staying on the current one")]
    private partial void LogRefused(string version, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Following the cluster's serving version failed")]
    private partial void LogTickFailed(Exception ex);
}
