using BenchmarkDotNet.Attributes;
using MathNet.Numerics.Distributions;
using RecEngine.Monitoring;

namespace RecEngine.Benchmarks.Monitoring;

/// <summary>
/// One drift check over 50 numeric features with 100k-value live windows against references of 100k
/// values (10k-value KS sample, 10 PSI bins): KS + PSI per feature, then Benjamini–Hochberg.
/// Budget (ARCHITECTURE.md): at most 200 ms, off the hot path.
/// </summary>
[MemoryDiagnoser]
public class DriftCheckBenchmarks
{
    private const int Features = 50;
    private const int WindowSize = 100_000;
    private ReferenceProfile _reference = null!;
    private LiveWindow _window = null!;
    private DriftDetector _serial = null!;
    private DriftDetector _parallel = null!;
    private DriftDetector _rollingDetector = null!;
    private RollingBaselines _rolling = null!;
    private DriftDetector _rollingDetectorParallel = null!;
    private RollingBaselines _rollingParallel = null!;
    private DriftDetector _defaultDetector = null!;
    private RollingBaselines _defaultRolling = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var features = new FeatureReference[Features];
        var live = new Dictionary<string, NumericLiveSample>(Features);
        for (var f = 0; f < Features; f++)
        {
            var values = new double[WindowSize];
            Normal.Samples(random, values, f, 1 + (f % 5));
            features[f] = NumericFeatureReference.Build($"f{f}", values, bins: 10, sampleSize: 10_000, seed: f);
            var window = new double[WindowSize];
            Normal.Samples(random, window, f + (f == 7 ? 0.1 : 0), 1 + (f % 5));
            live[$"f{f}"] = new NumericLiveSample(window, WindowSize);
        }

        _reference = new ReferenceProfile { ModelVersion = "bench", Features = features };
        _window = new LiveWindow { Numeric = live };
        var options = new MonitoringOptions();
        _serial = new DriftDetector(options);
        _parallel = new DriftDetector(options with { MaxParallelism = Environment.ProcessorCount });

        // Every feature rolling, past its calibration: each check rebuilds 50 references from the previous window.
        var rollingOptions = options with { RollingFeatures = [.. live.Keys], FixedFeatures = [] };
        _rollingDetector = new DriftDetector(rollingOptions);
        _rolling = new RollingBaselines(rollingOptions);
        var parallelRolling = rollingOptions with { MaxParallelism = Environment.ProcessorCount };
        _rollingDetectorParallel = new DriftDetector(parallelRolling);
        _rollingParallel = new RollingBaselines(parallelRolling);
        // As many rolling features as the default configuration names (21), the rest fixed; one thread.
        var defaultRolling = options with { RollingFeatures = [.. live.Keys.Take(options.RollingFeatures.Length)], FixedFeatures = [] };
        _defaultDetector = new DriftDetector(defaultRolling);
        _defaultRolling = new RollingBaselines(defaultRolling);
        for (var check = 0; check < 5; check++)
        {
            DriftCheckRolling50x100k();
            DriftCheckRolling50x100kParallel();
            DriftCheckDefaultRolling50x100k();
        }
    }

    [Benchmark(Baseline = true)]
    public DriftReport DriftCheck50x100k() => _serial.Check(_reference, _window, default);

    [Benchmark]
    public DriftReport DriftCheck50x100kParallel() => _parallel.Check(_reference, _window, default);

    /// <summary>What <see cref="DriftMonitor"/> does per check with rolling references: apply, check, advance.</summary>
    [Benchmark]
    public DriftReport DriftCheckRolling50x100k()
    {
        var (profile, dispersions) = _rolling.Apply(_reference);
        var report = _rollingDetector.Check(profile, _window, default, dispersions);
        _rolling.Advance(report, _window);
        return report;
    }

    [Benchmark]
    public DriftReport DriftCheckDefaultRolling50x100k()
    {
        var (profile, dispersions) = _defaultRolling.Apply(_reference);
        var report = _defaultDetector.Check(profile, _window, default, dispersions);
        _defaultRolling.Advance(report, _window);
        return report;
    }

    [Benchmark]
    public DriftReport DriftCheckRolling50x100kParallel()
    {
        var (profile, dispersions) = _rollingParallel.Apply(_reference);
        var report = _rollingDetectorParallel.Check(profile, _window, default, dispersions);
        _rollingParallel.Advance(report, _window);
        return report;
    }
}
