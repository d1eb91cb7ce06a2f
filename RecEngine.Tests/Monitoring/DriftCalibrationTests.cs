using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Monitoring;
using Xunit.Abstractions;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

/// <summary>
/// The statistical claims of issue 6, on seeded synthetic features: few false alarms on stationary data,
/// and a 0.2 sd mean shift in one of 50 features found almost always. Each fails if the tests are
/// miscalibrated (too many alarms) or too weak (missed shifts).
/// </summary>
public class DriftCalibrationTests(ITestOutputHelper output)
{
    private const int Features = 50;
    private static readonly string[] Devices = ["tv", "phone", "tablet", "web"];
    private static readonly double[] DeviceWeights = [0.2, 0.5, 0.1, 0.2];

    /// <summary>
    /// 500 checks of the monitor (driven by FakeTimeProvider ticks) over 48 normal features, one discrete
    /// (Poisson) and one categorical feature, 1,000 live values each per window; a new model and reference
    /// every 100 checks. Nothing drifts, so every drift state is a false alarm.
    /// </summary>
    [Fact]
    public async Task Stationary_data_raises_drift_in_at_most_one_percent_of_500_checks()
    {
        const int checks = 500, window = 1000, referenceSize = 20_000;
        var options = Options(minWindow: window) with { Interval = TimeSpan.FromMinutes(5), ReferenceSampleSize = 2000, LiveWindowCapacity = window };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time, seed: 42);
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(options), time, new TestLogger<DriftMonitor>());
        var random = new Random(20261125);

        int drifting = 0, warning = 0, pBelow5 = 0, pBelow1 = 0, continuousTests = 0;
        for (var check = 0; check < checks; check++)
        {
            if (check % 100 == 0)
            {
                source.SetReference(BuildReference(random, $"v{check / 100}", referenceSize, options.ReferenceSampleSize));
            }

            Feed(source, random, window, shiftedFeature: -1, shift: 0);
            time.Advance(options.Interval);
            var report = await monitor.CheckOnceAsync(CancellationToken.None);

            Assert.NotNull(report);
            Assert.DoesNotContain(report.Features, f => f.State == DriftState.InsufficientData);
            drifting += report.State == DriftState.Drift ? 1 : 0;
            warning += report.State == DriftState.Warn ? 1 : 0;
            foreach (var f in report.Features.Take(Features - 2))
            {
                continuousTests++;
                pBelow5 += f.PValue <= 0.05 ? 1 : 0;
                pBelow1 += f.PValue <= 0.01 ? 1 : 0;
            }
        }

        Assert.Equal(options.HistoryCapacity, monitor.History.Count);
        output.WriteLine($"{checks} checks: drift {drifting}, warn {warning}; raw KS p <= 0.05: {(double)pBelow5 / continuousTests:P2}, p <= 0.01: {(double)pBelow1 / continuousTests:P2} of {continuousTests}");
        Assert.True(drifting <= checks / 100, $"{drifting} of {checks} checks drifted on stationary data (warned: {warning})");

        // Calibration: on the continuous features the raw KS p-values are about uniform, so the alarm rate
        // above is the correction's doing, not a test that never rejects.
        var rate5 = (double)pBelow5 / continuousTests;
        var rate1 = (double)pBelow1 / continuousTests;
        Assert.InRange(rate5, 0.035, 0.065);
        Assert.InRange(rate1, 0.005, 0.015);
    }

    /// <summary>
    /// Negative control for the test above: the same stationary data without a correction and at
    /// alpha = 0.05 must over-alarm (50 tests per check: P(any) = 1 - 0.95^50 = 0.92), so the counting
    /// above can tell a miscalibrated monitor from a calibrated one.
    /// </summary>
    [Fact]
    public async Task Without_the_correction_stationary_data_over_alarms()
    {
        const int checks = 50, window = 1000;
        var options = Options(minWindow: window) with
        {
            ReferenceSampleSize = 2000, LiveWindowCapacity = window, Correction = MultipleTestingCorrection.None, DriftAlpha = 0.05, WarnAlpha = 0.05,
        };
        var time = new FakeTimeProvider();
        var source = new InMemoryDriftDataSource(window, time, seed: 5);
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(options), time, new TestLogger<DriftMonitor>());
        var random = new Random(77);
        source.SetReference(BuildReference(random, "v", 20_000, options.ReferenceSampleSize));
        var drifting = 0;
        for (var check = 0; check < checks; check++)
        {
            Feed(source, random, window, shiftedFeature: -1, shift: 0);
            time.Advance(options.Interval);
            drifting += (await monitor.CheckOnceAsync(CancellationToken.None))!.State == DriftState.Drift ? 1 : 0;
        }

        output.WriteLine($"uncorrected, alpha 0.05: {drifting} of {checks} checks drifted");
        Assert.True(drifting > checks / 2, $"only {drifting} of {checks} uncorrected checks alarmed");
    }

    /// <summary>
    /// 100 trials, each with fresh references (5,000 values per feature) and 5,000-value live windows
    /// for 50 features, one of them shifted by 0.2 sd. Detected means that feature's state is drift.
    /// </summary>
    [Fact]
    public void A_0_2_sd_shift_in_one_of_50_features_is_detected_in_99_percent_of_trials()
    {
        const int trials = 100, size = 5000;
        var options = Options(minWindow: 1000) with { ReferenceSampleSize = size };
        var detector = new DriftDetector(options);
        var detected = new bool[trials];
        var otherDrifts = new int[trials];
        Parallel.For(0, trials, new ParallelOptions { MaxDegreeOfParallelism = 2 }, trial =>
        {
            var random = new Random(1000 + trial);
            var shifted = trial % Features;
            var references = new FeatureReference[Features];
            var live = new Dictionary<string, NumericLiveSample>(Features);
            for (var f = 0; f < Features; f++)
            {
                var (mean, sd) = Shape(f);
                references[f] = NumericFeatureReference.Build($"f{f}", Normal(random, size, mean, sd), options.PsiBins, size, seed: f);
                live[$"f{f}"] = new NumericLiveSample(Normal(random, size, mean + (f == shifted ? 0.2 * sd : 0), sd), size);
            }

            var report = detector.Check(new ReferenceProfile { ModelVersion = "v", Features = references }, new LiveWindow { Numeric = live }, default);
            detected[trial] = report.Features[shifted].State == DriftState.Drift;
            otherDrifts[trial] = report.Features.Count(f => f.State == DriftState.Drift) - (detected[trial] ? 1 : 0);
        });

        var found = detected.Count(d => d);
        output.WriteLine($"shift found in {found} of {trials} trials; unshifted features in drift: {otherDrifts.Sum()} of {trials * (Features - 1)}");
        Assert.True(found >= 99, $"the shift was found in {found} of {trials} trials");
        Assert.True(otherDrifts.Sum() <= trials * (Features - 1) / 100, $"{otherDrifts.Sum()} unshifted features drifted");
    }

    private static ReferenceProfile BuildReference(Random random, string version, int size, int sampleSize)
    {
        var features = new FeatureReference[Features];
        for (var f = 0; f < Features - 2; f++)
        {
            var (mean, sd) = Shape(f);
            features[f] = NumericFeatureReference.Build($"f{f}", Normal(random, size, mean, sd), 10, sampleSize, seed: f);
        }

        features[Features - 2] = NumericFeatureReference.Build("watches", PoissonValues(random, size, 3.0), 10, sampleSize, seed: 99);
        features[Features - 1] = CategoricalFeatureReference.Build("device", Categories(random, size, DeviceWeights, Devices));
        return new ReferenceProfile { ModelVersion = version, Features = features };
    }

    private static void Feed(InMemoryDriftDataSource source, Random random, int count, int shiftedFeature, double shift)
    {
        for (var f = 0; f < Features - 2; f++)
        {
            var (mean, sd) = Shape(f);
            source.Record($"f{f}", Normal(random, count, mean + (f == shiftedFeature ? shift * sd : 0), sd));
        }

        source.Record("watches", PoissonValues(random, count, 3.0));
        foreach (var group in Categories(random, count, DeviceWeights, Devices).GroupBy(d => d))
        {
            source.Record("device", group.Key, group.Count());
        }
    }
}
