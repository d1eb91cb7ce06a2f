using Microsoft.Extensions.Options;

namespace RecEngine.Serving;

/// <summary>
/// When a snapshot that owned its models is retired (<see cref="ServingState.Retired"/>), runs one compacting,
/// decommitting full garbage collection off the request thread (<see cref="ServingOptions.CollectAfterSwap"/>,
/// <see cref="Hosting.HeapCompaction"/>), so the old version's memory goes back to the system: a background collection
/// frees it but keeps it resident, and an idle server may not collect at all for hours. The collection waits
/// <see cref="SettleDelay"/> after the retirement: a swap retires the old version while the new one's loading is still
/// on the promoting thread's stack, and what a compaction finds alive then stays resident (benchmarks/RESULTS.md,
/// Memory, 2026-12-06 16:20).
/// </summary>
internal sealed partial class RetiredSnapshotCollector : IHostedService
{
    private readonly ServingState _state;
    private readonly IOptions<ServingOptions> _options;
    private readonly ILogger<RetiredSnapshotCollector> _logger;
    private readonly Func<(double BeforeMb, double AfterMb, double Milliseconds)> _collect;
    private readonly TimeProvider _time;
    private int _queued;

    /// <summary>How long after a retirement the collection runs: the promotion that retired the version has returned by then.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(5);

    public RetiredSnapshotCollector(ServingState state, IOptions<ServingOptions> options, ILogger<RetiredSnapshotCollector> logger)
        : this(state, options, logger, CompactAndTrim, TimeProvider.System)
    {
    }

    /// <param name="collect">What a retirement starts (tests count it); runs on the thread that ends the settle delay (a pool thread).</param>
    /// <param name="time">The clock <see cref="SettleDelay"/> is counted on.</param>
    internal RetiredSnapshotCollector(ServingState state, IOptions<ServingOptions> options, ILogger<RetiredSnapshotCollector> logger, Func<(double BeforeMb, double AfterMb, double Milliseconds)> collect, TimeProvider time)
    {
        _state = state;
        _options = options;
        _logger = logger;
        _collect = collect;
        _time = time;
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

        _ = CollectAfterSettlingAsync(snapshot.Version);
    }

    /// <summary>The delay starts here, on the retiring thread; the collection runs on the thread that ends it.</summary>
    private async Task CollectAfterSettlingAsync(string version)
    {
        await Task.Delay(SettleDelay, _time).ConfigureAwait(false);
        Volatile.Write(ref _queued, 0);
        var (before, after, ms) = _collect();
        LogCollected(version, before, after, ms);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model version {Version} retired: heap compacted {BeforeMb:F0} MB -> {AfterMb:F0} MB in {Milliseconds:F0} ms")]
    private partial void LogCollected(string version, double beforeMb, double afterMb, double milliseconds);
}
