using RecEngine.Monitoring;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

public class DriftDetectorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static ReferenceProfile Profile(params FeatureReference[] features) => new() { ModelVersion = "v1", Features = features };

    [Fact]
    public void Below_the_minimum_window_the_answer_is_insufficient_data()
    {
        var random = new Random(1);
        var profile = Profile(
            NumericFeatureReference.Build("x", Normal(random, 5000), 10, 5000, 1),
            CategoricalFeatureReference.Build("device", Categories(random, 5000, [1, 1], ["tv", "phone"])));
        var live = new LiveWindow
        {
            // Far off, but only 999 values: no verdict.
            Numeric = new Dictionary<string, NumericLiveSample> { ["x"] = new(Normal(random, 999, mean: 5), 999) },
        };

        var report = new DriftDetector(Options(minWindow: 1000)).Check(profile, live, Now);

        Assert.Equal(DriftState.InsufficientData, report.State);
        Assert.All(report.Features, f => Assert.Equal(DriftState.InsufficientData, f.State));
        Assert.All(report.Features, f => Assert.Null(f.PValue));
        Assert.Equal(999, report.Features[0].LiveCount);
        Assert.Equal(0, report.Features[1].LiveCount);
    }

    [Fact]
    public void A_reference_sample_below_the_minimum_is_insufficient_too()
    {
        var random = new Random(2);
        var profile = Profile(NumericFeatureReference.Build("x", Normal(random, 5000), 10, sampleSize: 500, seed: 1));
        var live = new LiveWindow { Numeric = new Dictionary<string, NumericLiveSample> { ["x"] = new(Normal(random, 5000), 5000) } };
        Assert.Equal(DriftState.InsufficientData, new DriftDetector(Options(minWindow: 1000)).Check(profile, live, Now).Features[0].State);
    }

    [Fact]
    public void Numeric_shift_drifts_and_reports_every_figure()
    {
        var random = new Random(3);
        var profile = Profile(
            NumericFeatureReference.Build("same", Normal(random, 20_000), 10, 10_000, 1),
            NumericFeatureReference.Build("shifted", Normal(random, 20_000), 10, 10_000, 2));
        var live = new LiveWindow
        {
            Numeric = new Dictionary<string, NumericLiveSample>
            {
                ["same"] = new(Normal(random, 5000), 5000),
                ["shifted"] = new(Normal(random, 5000, mean: 0.5), 5000),
            },
        };

        var report = new DriftDetector(Options()).Check(profile, live, Now);

        Assert.Equal(DriftState.Drift, report.State);
        var same = report.Features[0];
        var shifted = report.Features[1];
        Assert.Equal(DriftState.Ok, same.State);
        Assert.Equal(DriftState.Drift, shifted.State);
        Assert.Equal(DriftTest.KolmogorovSmirnov, shifted.Test);
        Assert.InRange(shifted.Statistic!.Value, 0.15, 0.25); // 0.5 sd: D ~ 2 Phi(0.25) - 1 = 0.197
        Assert.True(shifted.AdjustedPValue < 1e-6);
        Assert.InRange(shifted.Psi!.Value, 0.15, 0.40);
        Assert.True(shifted.Psi > shifted.PsiCriticalValue);
        Assert.Equal(20_000, shifted.ReferenceCount);
        Assert.Equal(5000, shifted.LiveCount);
    }

    [Fact]
    public void Categorical_shift_and_unseen_category_drift()
    {
        var random = new Random(4);
        string[] names = ["tv", "phone", "tablet"];
        var profile = Profile(
            CategoricalFeatureReference.Build("device", Categories(random, 10_000, [0.3, 0.6, 0.1], names)),
            CategoricalFeatureReference.Build("country", Categories(random, 10_000, [0.5, 0.5], ["de", "fr"])));
        var device = Categories(random, 4000, [0.3, 0.6, 0.1], names).Concat(Enumerable.Repeat("console", 200));
        var live = new LiveWindow
        {
            Categorical = new Dictionary<string, IReadOnlyDictionary<string, long>>
            {
                ["device"] = device.GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count()),
                ["country"] = Categories(random, 4000, [0.5, 0.5], ["de", "fr"]).GroupBy(d => d).ToDictionary(g => g.Key, g => (long)g.Count()),
            },
        };

        var report = new DriftDetector(Options()).Check(profile, live, Now);

        Assert.Equal(DriftState.Drift, report.Features[0].State);
        Assert.Equal(DriftTest.ChiSquare, report.Features[0].Test);
        Assert.Equal(4200, report.Features[0].LiveCount);
        Assert.Equal(DriftState.Ok, report.Features[1].State);
    }

    [Theory]
    [InlineData(0.5, 0.01, 1.0, DriftState.Ok)]
    [InlineData(0.0005, 0.01, 1.0, DriftState.Drift)] // the test alone
    [InlineData(0.005, 0.01, 1.0, DriftState.Warn)]
    [InlineData(0.5, 0.30, 0.2, DriftState.Ok)] // PSI in the 0.25 band but not significant (small window)
    [InlineData(0.5, 0.30, 0.0001, DriftState.Drift)]
    [InlineData(0.5, 0.30, 0.005, DriftState.Warn)]
    [InlineData(0.5, 0.12, 0.0001, DriftState.Warn)] // significant, but only in the 0.1 band
    [InlineData(0.5, 0.05, 1e-9, DriftState.Ok)] // significant PSI below the bands counts through the test only
    public void Classification_combines_the_test_and_the_psi_bands(double adjustedP, double psi, double adjustedPsiP, DriftState expected)
    {
        Assert.Equal(expected, new DriftDetector(new MonitoringOptions()).Classify(adjustedP, psi, adjustedPsiP));
    }

    [Fact]
    public void Bonferroni_is_applied_when_chosen()
    {
        var random = new Random(5);
        var features = Enumerable.Range(0, 10).Select(f => (FeatureReference)NumericFeatureReference.Build($"f{f}", Normal(random, 2000), 10, 2000, f)).ToArray();
        var live = new LiveWindow
        {
            Numeric = Enumerable.Range(0, 10).ToDictionary(f => $"f{f}", f => new NumericLiveSample(Normal(random, 2000), 2000)),
        };
        var options = Options() with { Correction = MultipleTestingCorrection.Bonferroni };
        var report = new DriftDetector(options).Check(Profile(features), live, Now);
        Assert.Equal(MultipleTestingCorrection.Bonferroni, report.Correction);
        Assert.All(report.Features, f => Assert.Equal(Math.Min(1.0, f.PValue!.Value * 10), f.AdjustedPValue!.Value, 1e-12));
    }

    [Fact]
    public void Parallel_check_gives_the_same_report()
    {
        var random = new Random(6);
        var features = Enumerable.Range(0, 8).Select(f => (FeatureReference)NumericFeatureReference.Build($"f{f}", Normal(random, 3000), 10, 3000, f)).ToArray();
        var live = new LiveWindow
        {
            Numeric = Enumerable.Range(0, 8).ToDictionary(f => $"f{f}", f => new NumericLiveSample(Normal(random, 3000, mean: f * 0.02), 3000)),
        };
        var serial = new DriftDetector(Options()).Check(Profile(features), live, Now);
        var parallel = new DriftDetector(Options() with { MaxParallelism = 4 }).Check(Profile(features), live, Now);
        Assert.Equal(serial.Features, parallel.Features);
    }

    [Fact]
    public void A_constant_feature_gets_one_bin_and_a_report_that_serialises()
    {
        var profile = Profile(NumericFeatureReference.Build("flag", Enumerable.Repeat(1.0, 2000).ToArray(), 10, 2000, 1));
        var live = new LiveWindow { Numeric = new Dictionary<string, NumericLiveSample> { ["flag"] = new(Enumerable.Repeat(1.0, 2000).ToArray(), 2000) } };
        var report = new DriftDetector(Options()).Check(profile, live, Now);
        var f = Assert.Single(report.Features);
        Assert.Equal(DriftState.Ok, f.State);
        Assert.Equal(0.0, f.Statistic);
        Assert.Equal(0.0, f.Psi);
        Assert.Null(f.PsiCriticalValue);
        Assert.Contains("\"psi_critical_value\": null", System.Text.Json.JsonSerializer.Serialize(report, RecEngine.Tests.Integration.TestJson.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_live_values_are_left_out()
    {
        var random = new Random(7);
        var profile = Profile(NumericFeatureReference.Build("x", Normal(random, 5000), 10, 5000, 1));
        var values = Normal(random, 1500).Concat(Enumerable.Repeat(double.NaN, 600)).ToArray();
        var live = new LiveWindow { Numeric = new Dictionary<string, NumericLiveSample> { ["x"] = new(values, values.Length) } };
        var f = new DriftDetector(Options()).Check(profile, live, Now).Features[0];
        Assert.Equal(1500, f.LiveCount);
        Assert.Equal(DriftState.Ok, f.State);
    }
}
