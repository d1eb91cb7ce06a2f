using RecEngine.Hosting;
using Microsoft.Extensions.Options;

namespace RecEngine.Monitoring;

/// <summary>
/// Checks the live window against the serving model's reference profile every
/// <see cref="MonitoringOptions.Interval"/>, off the request path: fixed features against the version's reference,
/// rolling ones against their previous healthy window (<see cref="RollingBaselines"/>). Keeps the current report and a bounded
/// history, logs each feature's state change once, and tells the <see cref="IDriftListener"/>s.
/// </summary>
internal sealed partial class DriftMonitor : BackgroundService
{
    private readonly IDriftDataSource _source;
    private readonly DriftDetector _detector;
    private readonly RollingBaselines _rolling;
    private readonly IDriftListener[] _listeners;
    private readonly MonitoringOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DriftMonitor> _logger;
    private readonly Lock _historyGate = new();
    private readonly Lock _checkGate = new();
    private readonly Dictionary<string, DriftState> _states = new(StringComparer.Ordinal);
    private DriftReport[] _history = [];
    private DriftState _overall = DriftState.InsufficientData;
    private string? _modelVersion;
    private PeriodicTimer? _timer;
    private long _failures;

    public DriftMonitor(
        IDriftDataSource source, IEnumerable<IDriftListener> listeners, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<DriftMonitor> logger)
    {
        _source = source;
        _options = options.Value;
        _detector = new DriftDetector(_options);
        _rolling = new RollingBaselines(_options);
        _listeners = listeners.ToArray();
        _time = time;
        _logger = logger;
    }

    /// <summary>The latest report; null before the first check with a reference.</summary>
    public DriftReport? Current => Volatile.Read(ref _history) is { Length: > 0 } h ? h[0] : null;

    /// <summary>Recent reports, newest first, at most <see cref="MonitoringOptions.HistoryCapacity"/>.</summary>
    public IReadOnlyList<DriftReport> History => Volatile.Read(ref _history);

    /// <summary>Checks that failed (logged) since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The timer starts here, not in ExecuteAsync (which runs whenever the thread pool gets to it), so
        // the first interval counts from start.
        if (_options.Enabled)
        {
            _timer = new PeriodicTimer(_options.Interval, _time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckOnceAsync(stoppingToken);
        }
    }

    /// <summary>
    /// One check: takes the live window, tests it, records the report and announces state changes.
    /// Errors are logged and swallowed so the next tick runs; cancellation passes through.
    /// </summary>
    internal Task<DriftReport?> CheckOnceAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Checks are serialised: the per-feature states belong to one sequence of reports.
            lock (_checkGate)
            {
                return Task.FromResult(RunCheck());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failures);
            LogCheckFailed(ex);
            return Task.FromResult<DriftReport?>(null);
        }
    }

    private DriftReport? RunCheck()
    {
        var reference = _source.Reference;
        var window = _source.TakeWindow();
        if (reference is null)
        {
            LogNoReference();
            return null;
        }

        if (reference.ModelVersion != _modelVersion)
        {
            // A new model: its features start from a clean slate, so old states do not count as changes.
            _states.Clear();
            _overall = DriftState.InsufficientData;
            _modelVersion = reference.ModelVersion;
        }

        // Rolling features are compared with their previous healthy window, scaled by their usual change; the rest with
        // the version's fixed reference.
        var (profile, dispersions) = _rolling.Apply(reference);
        var report = _detector.Check(profile, window, _time.GetUtcNow(), dispersions);
        _rolling.Advance(report, window);
        Export(report);
        Record(report);
        Announce(report);
        return report;
    }

    /// <summary>Per-feature scores to Prometheus (/metrics), so dashboards and alerts see drift without polling the API.</summary>
    private static void Export(DriftReport report)
    {
        foreach (var f in report.Features)
        {
            RecEngineMetrics.DriftPsi.WithLabels(f.Feature).Set(f.Psi ?? double.NaN);
            RecEngineMetrics.DriftAdjustedPValue.WithLabels(f.Feature).Set(f.AdjustedPValue ?? double.NaN);
            RecEngineMetrics.DriftState.WithLabels(f.Feature).Set(f.State switch
            {
                DriftState.Ok => 0,
                DriftState.Warn => 1,
                DriftState.Drift => 2,
                _ => -1,
            });
        }
    }

    private void Record(DriftReport report)
    {
        lock (_historyGate)
        {
            var old = _history;
            var keep = Math.Min(old.Length, _options.HistoryCapacity - 1);
            var next = new DriftReport[keep + 1];
            next[0] = report;
            Array.Copy(old, 0, next, 1, keep);
            Volatile.Write(ref _history, next);
        }
    }

    private void Announce(DriftReport report)
    {
        var changes = new List<FeatureStateChange>();
        foreach (var f in report.Features)
        {
            var previous = _states.GetValueOrDefault(f.Feature, DriftState.InsufficientData);
            // A feature first seen without enough data has not changed state; one first seen as ok has.
            if (previous != f.State && (_states.ContainsKey(f.Feature) || f.State != DriftState.InsufficientData))
            {
                changes.Add(new FeatureStateChange(f.Feature, previous, f.State));
                if (f.State is DriftState.Warn or DriftState.Drift)
                {
                    LogFeatureDrifting(f.Feature, previous, f.State, f.Statistic, f.AdjustedPValue, f.Psi);
                }
                else
                {
                    LogFeatureStateChanged(f.Feature, previous, f.State);
                }
            }

            _states[f.Feature] = f.State;
        }

        var overallBefore = _overall;
        _overall = report.State;
        if (changes.Count == 0)
        {
            return;
        }

        var change = new DriftStateChange(overallBefore, report.State, changes, report);
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnDriftStateChanged(change);
            }
            catch (Exception ex)
            {
                LogListenerFailed(ex, listener.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift state of {Feature} changed from {Previous} to {Current} (statistic {Statistic}, adjusted p {AdjustedP}, PSI {Psi}).")]
    private partial void LogFeatureDrifting(string feature, DriftState previous, DriftState current, double? statistic, double? adjustedP, double? psi);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift state of {Feature} changed from {Previous} to {Current}.")]
    private partial void LogFeatureStateChanged(string feature, DriftState previous, DriftState current);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift check failed; the next tick tries again.")]
    private partial void LogCheckFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift listener {Listener} failed.")]
    private partial void LogListenerFailed(Exception exception, string listener);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No reference profile yet; drift check skipped.")]
    private partial void LogNoReference();
}
