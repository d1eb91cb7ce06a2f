using System.Globalization;

namespace RecEngine.Hosting;

/// <summary>
/// Phase-by-phase progress of a training run: a line when a phase starts and when it ends (with its time), and a
/// heartbeat line with the phase's latest status every <c>heartbeat</c>, from a timer, so that a long phase never
/// goes quiet, not even one that cannot report (the native HNSW build). At 1M videos a silent ALS looked hung.
/// Statuses come from any thread through <see cref="IProgress{T}"/>; writes are serialised. Each phase's end also
/// gives the process's CPU seconds in it: on a shared box wall time says more about the neighbours than about us.
/// </summary>
internal sealed class TrainingProgress : IProgress<string>, IDisposable
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly long _started;
    private readonly ITimer _timer;
    private readonly List<(string Phase, double Seconds)> _phases = [];
    private readonly List<double> _cpuSeconds = [];
    private readonly Lock _gate = new();
    private string? _phase;
    private long _phaseStarted;
    private TimeSpan _phaseCpuStarted;
    private string? _status;
    private long _lastLine;

    public TrainingProgress(TextWriter writer, TimeProvider time, TimeSpan heartbeat)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeat, TimeSpan.Zero);
        _writer = writer;
        _time = time;
        _heartbeat = heartbeat;
        _started = time.GetTimestamp();
        _lastLine = _started;
        // Ticks five times a heartbeat, so a quiet phase is reported within 1.2 heartbeats of its last line.
        _timer = time.CreateTimer(_ => Beat(), null, heartbeat / 5, heartbeat / 5);
    }

    /// <summary>Progress that writes nothing (tests, callers without a console).</summary>
    public static TrainingProgress Silent(TimeProvider time) => new(TextWriter.Null, time, TimeSpan.FromDays(1));

    /// <summary>Each finished phase and its seconds, in order.</summary>
    public IReadOnlyList<(string Phase, double Seconds)> Phases
    {
        get
        {
            lock (_gate)
            {
                return [.. _phases];
            }
        }
    }

    /// <summary>Process CPU seconds of each finished phase, in the order of <see cref="Phases"/>.</summary>
    public IReadOnlyList<double> CpuSeconds
    {
        get
        {
            lock (_gate)
            {
                return [.. _cpuSeconds];
            }
        }
    }

    /// <summary>Ends the current phase (if any) and starts <paramref name="name"/>.</summary>
    public void Phase(string name)
    {
        lock (_gate)
        {
            EndLocked();
            _phase = name;
            _phaseStarted = _time.GetTimestamp();
            _phaseCpuStarted = Environment.CpuUsage.TotalTime;
            _status = null;
            WriteLocked($"{name}...");
        }
    }

    /// <summary>Ends the current phase and writes its time.</summary>
    public void End()
    {
        lock (_gate)
        {
            EndLocked();
        }
    }

    /// <summary>The current phase's latest status; written at once only if nothing was written for a heartbeat.</summary>
    public void Report(string value)
    {
        lock (_gate)
        {
            _status = value;
            if (_time.GetElapsedTime(_lastLine) >= _heartbeat)
            {
                WriteStatusLocked();
            }
        }
    }

    /// <summary>Writes a line now (a milestone such as a finished ALS iteration).</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            WriteLocked(text);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        End();
    }

    private void Beat()
    {
        lock (_gate)
        {
            if (_phase is not null && _time.GetElapsedTime(_lastLine) >= _heartbeat)
            {
                WriteStatusLocked();
            }
        }
    }

    private void WriteStatusLocked()
    {
        var inPhase = _time.GetElapsedTime(_phaseStarted).TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        WriteLocked($"{_phase}: {_status ?? "working"} ({inPhase}s in phase)");
    }

    private void EndLocked()
    {
        if (_phase is null)
        {
            return;
        }

        var seconds = _time.GetElapsedTime(_phaseStarted).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - _phaseCpuStarted).TotalSeconds;
        _phases.Add((_phase, seconds));
        _cpuSeconds.Add(cpu);
        var status = _status is null ? "" : $", {_status}";
        WriteLocked($"{_phase}: done in {seconds.ToString("0.0", CultureInfo.InvariantCulture)}s (cpu {cpu.ToString("0.0", CultureInfo.InvariantCulture)}s{status})");
        _phase = null;
        _status = null;
    }

    private void WriteLocked(string line)
    {
        _lastLine = _time.GetTimestamp();
        var total = _time.GetElapsedTime(_started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        _writer.WriteLine($"[{total,7}s] {line}");
        _writer.Flush();
    }
}
