using Microsoft.Extensions.Options;
using RecEngine.Hosting;
using RecEngine.Monitoring;

namespace RecEngine.Lifecycle;

/// <summary>
/// Retrains on a schedule, on drift (a feature newly in drift, at most once per <see cref="RetrainingScheduleOptions.DriftDebounce"/>)
/// and on demand (<c>POST /v1/models/retrain</c>, the <c>simulate</c> loop). One training at a time; background runs
/// stop at shutdown. The work itself is <see cref="CandidateRetraining"/>, on its own thread with the option's thread
/// cap, so serving keeps a core.
/// </summary>
internal sealed partial class RetrainingService(
    CandidateRetraining retraining,
    IOptions<RetrainingScheduleOptions> schedule,
    IOptions<LifecycleOptions> options,
    IOptions<HeldOutValidationOptions> validation,
    TimeProvider time,
    ILogger<RetrainingService> logger) : BackgroundService, IRetrainer, IDriftListener
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _driftSync = new();
    private DateTimeOffset? _lastDriftRetrain;
    private Task<RetrainOutcome>? _background;

    /// <summary>Whether a retraining is running now.</summary>
    public bool IsRunning => _gate.CurrentCount == 0;

    /// <summary>The last background run started by <see cref="TryStart"/>, for tests and shutdown.</summary>
    internal Task<RetrainOutcome>? Background => Volatile.Read(ref _background);

    /// <summary>Waits for a running retraining, then runs one; see <see cref="IRetrainer"/>.</summary>
    public async Task<RetrainOutcome> RetrainAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return await RunHeldAsync(trigger, nowUtc, cancellationToken);
    }

    /// <summary>Starts a retraining in the background unless one is running; false if one is.</summary>
    public bool TryStart(string trigger)
    {
        if (!_gate.Wait(0))
        {
            LogBusy(trigger);
            return false;
        }

        Volatile.Write(ref _background, RunHeldAsync(trigger, time.GetUtcNow().UtcDateTime, _shutdown.Token));
        return true;
    }

    public void OnDriftStateChanged(DriftStateChange change)
    {
        if (TryAcceptDrift(change))
        {
            TryStart("drift");
        }
    }

    /// <summary>
    /// Whether this change should retrain: a feature newly in drift, and no drift retraining in the debounce period.
    /// Drift tends to persist over several checks; one retraining per period answers it.
    /// </summary>
    internal bool TryAcceptDrift(DriftStateChange change)
    {
        if (!schedule.Value.RetrainOnDrift || !change.Features.Any(f => f.Current == DriftState.Drift && f.Previous != DriftState.Drift))
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (_driftSync)
        {
            if (_lastDriftRetrain is { } last && now - last < schedule.Value.DriftDebounce)
            {
                LogDebounced(last.UtcDateTime);
                return false;
            }

            _lastDriftRetrain = now;
            return true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!schedule.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(schedule.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TickAsync(stoppingToken);
        }
    }

    /// <summary>One scheduled retraining; errors are logged, cancellation passes through.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RetrainAsync("schedule", time.GetUtcNow().UtcDateTime, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed("schedule", ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _shutdown.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Stopped after disposal (a host stopped twice, as test hosts are): nothing left to cancel.
            return;
        }

        await base.StopAsync(cancellationToken);
        if (Background is { } running)
        {
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                // Stopped mid-training: the temp folder it leaves is cleaned at the next start.
            }
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _shutdown.Dispose();
        _gate.Dispose();
    }

    /// <summary>Runs one retraining with the gate already held, and releases it.</summary>
    private async Task<RetrainOutcome> RunHeldAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
            LogStarted(trigger);
            return await RunOnTrainingThreadAsync(trigger, nowUtc, linked.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(trigger, ex);
            return new RetrainOutcome(null, false, "retraining failed: " + ex.Message, validation.Value.Metric, null, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A dedicated thread, optionally at a lower CPU priority (<see cref="LifecycleOptions.TrainingNice"/>): most of a
    /// retraining runs on it (the ALS solver and index build run inline at one thread), off the request thread pool.
    /// </summary>
    private Task<RetrainOutcome> RunOnTrainingThreadAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<RetrainOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                BackgroundThreadPriority.Lower(options.Value.TrainingNice);
                done.SetResult(retraining.Run(trigger, nowUtc, cancellationToken));
            }
            catch (OperationCanceledException ex)
            {
                done.SetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "RecEngine retraining",
        };
        thread.Start();
        return done.Task;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining started ({Trigger})")]
    private partial void LogStarted(string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining ({Trigger}) not started: one is running")]
    private partial void LogBusy(string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift retraining debounced: the last one started at {Last:u}")]
    private partial void LogDebounced(DateTime last);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retraining ({Trigger}) failed")]
    private partial void LogFailed(string trigger, Exception ex);
}
