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
    }

    [Benchmark(Baseline = true)]
    public DriftReport DriftCheck50x100k() => _serial.Check(_reference, _window, default);

    [Benchmark]
    public DriftReport DriftCheck50x100kParallel() => _parallel.Check(_reference, _window, default);
}
