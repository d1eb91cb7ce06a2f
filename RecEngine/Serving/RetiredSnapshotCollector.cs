using Microsoft.Extensions.Options;

namespace RecEngine.Serving;

/// <summary>
/// When a snapshot that owned its models is retired (<see cref="ServingState.Retired"/>), runs one compacting,
/// decommitting full garbage collection off the request thread (<see cref="ServingOptions.CollectAfterSwap"/>,
/// <see cref="Hosting.HeapCompaction"/>), so the old version's memory goes back to the system: a background collection
/// frees it but keeps it resident, and an idle server may not collect at all for hours.
/// </summary>
internal sealed partial class RetiredSnapshotCollector : IHostedService
{
    private readonly ServingState _state;
    private readonly IOptions<ServingOptions> _options;
    private readonly ILogger<RetiredSnapshotCollector> _logger;
    private readonly Func<(double BeforeMb, double AfterMb, double Milliseconds)> _collect;
    private int _queued;

    public RetiredSnapshotCollector(ServingState state, IOptions<ServingOptions> options, ILogger<RetiredSnapshotCollector> logger)
        : this(state, options, logger, CompactAndTrim)
    {
    }

    /// <param name="collect">What a retirement starts (tests count it); runs on a thread-pool thread.</param>
    internal RetiredSnapshotCollector(ServingState state, IOptions<ServingOptions> options, ILogger<RetiredSnapshotCollector> logger, Func<(double BeforeMb, double AfterMb, double Milliseconds)> collect)
    {
        _state = state;
        _options = options;
        _logger = logger;
        _collect = collect;
    }

    /// <summary>The managed heap compacted and decommitted, then the C heap trimmed.</summary>
    private static (double BeforeMb, double AfterMb, double Milliseconds) CompactAndTrim()
    {
        var result = Hosting.HeapCompaction.Run();
        Hosting.NativeHeapTrim.Run();
        return result;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _state.Retired += OnRetired;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _state.Retired -= OnRetired;
        return Task.CompletedTask;
    }

    private void OnRetired(ServingSnapshot snapshot)
    {
        if (!snapshot.OwnsModels || !_options.Value.CollectAfterSwap)
        {
            return;
        }

        // Retirements in a burst (a canary started, stopped and promoted) share one collection: one is queued at a
        // time, and one retired while it runs queues the next.
        if (Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }

        var version = snapshot.Version;
        _ = Task.Run(() =>
        {
            Volatile.Write(ref _queued, 0);
            var (before, after, ms) = _collect();
            LogCollected(version, before, after, ms);
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model version {Version} retired: heap compacted {BeforeMb:F0} MB -> {AfterMb:F0} MB in {Milliseconds:F0} ms")]
    private partial void LogCollected(string version, double beforeMb, double afterMb, double milliseconds);
}
