using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
using RecEngine.Training.Network;

namespace RecEngine.Tests.Training;

/// <summary>
/// E[seconds | watched] = exp(a + g ln d), fitted on the watches by Poisson pseudo-likelihood, and the exported <c>watch_time</c> =
/// P(watch) x that: what the Order stage sorts by.
/// </summary>
public sealed class WatchSecondsGivenWatchTests
{
    private static RankerDataset Rows(IEnumerable<(double Duration, float Watched, float Seconds)> rows)
    {
        var data = new RankerDataset();
        foreach (var (duration, watched, seconds) in rows)
        {
            data.Numeric.Add([duration]);
            data.Watched.Add(watched);
            data.WatchSeconds.Add(seconds);
        }

        return data;
    }

    [Fact]
    public void The_fit_recovers_the_mean_seconds_of_a_planted_power_law_whose_spread_grows_with_the_duration()
    {
        // seconds = exp(0.4) d^0.8 x a log-normal factor of mean 1 whose spread grows with ln d, on watches: the mean
        // is exactly exp(0.4 + 0.8 ln d), while the mean of ln(seconds) grows more slowly (0.8 - s s' per unit of ln d).
        // Skips and unwatched rows carry other seconds and must be ignored.
        var random = new Random(7);
        var rows = new List<(double, float, float)>();
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < 40_000; i++)
        {
            var x = 2 + (random.NextDouble() * 6);
            var spread = 0.1 + (0.15 * x);
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var seconds = Math.Exp(0.4 + (0.8 * x) + (spread * noise) - (spread * spread / 2));
            rows.Add((Math.Exp(x), 1f, (float)seconds));
            rows.Add((Math.Exp(x), 0f, (float)(Math.Exp(x) * 3)));
            n++;
            sx += x;
            sy += Math.Log(seconds);
            sxx += x * x;
            sxy += x * Math.Log(seconds);
        }

        rows.Add((double.NaN, 1f, 1e6f));
        rows.Add((-5, 1f, 1e6f));
        rows.Add((100, 1f, 0f));
        var fit = WatchSecondsGivenWatch.Fit(Rows(rows), durationColumn: 0);

        Assert.Equal(40_000, fit.Watches);
        Assert.InRange(fit.DurationExponent, 0.77, 0.83);
        Assert.InRange(fit.Intercept, 0.2, 0.6);
        Assert.Equal(Math.Exp(fit.Intercept + (fit.DurationExponent * Math.Log(600))), fit.ExpectedSeconds(600), 9);
        // The data tell the two estimators apart: least squares on ln(seconds) would have missed the exponent.
        var logSlope = ((sxy / n) - (sx / n * (sy / n))) / ((sxx / n) - (sx / n * (sx / n)));
        Assert.True(logSlope < 0.72, $"least squares on the logarithm found {logSlope}, near the planted mean's 0.8: the test cannot tell the estimators apart.");
    }

    [Fact]
    public void Equal_durations_give_no_slope_and_the_mean_seconds()
    {
        // Imported ratings: every film lasts the same, so the order must be P(watch)'s alone.
        var fit = WatchSecondsGivenWatch.Fit(Rows([(6000, 1f, 1200f), (6000, 1f, 4800f), (6000, 0f, 0f)]), durationColumn: 0);
        Assert.Equal(0, fit.DurationExponent);
        Assert.Equal(Math.Log(3000), fit.Intercept, 9);
        Assert.Equal(2, fit.Watches);

        var none = WatchSecondsGivenWatch.Fit(Rows([(60, 0f, 0f)]), durationColumn: 0);
        Assert.Equal(1, none.ExpectedSeconds(600), 9);
    }

    private static readonly FeatureSpec Spec = new(
        [
            new NumericFeature("dot", NumericTransform.Standardize),
            new NumericFeature(WatchSecondsGivenWatch.DurationFeature, NumericTransform.Log1p, NonNegative: true),
        ],
        [new CategoricalFeature("device")],
        []);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_exported_watch_time_is_p_watch_times_the_expected_seconds_or_their_satisfaction_of_the_imputed_duration(bool satisfaction)
    {
        const int Rows = 400;
        var random = new Random(11);
        var raw = Enumerable.Range(0, Rows).Select(i => new[] { (random.NextDouble() * 4) - 2, i % 9 == 0 ? double.NaN : Math.Exp(random.NextDouble() * 8) }).ToList();
        var spec = FittedFeatureSpec.Fit(Spec, raw.Select(r => new FeatureRow(r, ["tv"], [])));
        var network = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = spec.DenseWidth, Fields = [new CategoricalField("device", 2)], HiddenLayers = [8] }, seed: 3);
        var fit = new WatchSecondsGivenWatch(0.3, 0.85, 1000) { Satisfaction = satisfaction };
        var imputed = new float[Rows * spec.RawWidth];
        var ids = new long[Rows];
        for (var r = 0; r < Rows; r++)
        {
            spec.ImputeNumeric(raw[r], imputed.AsSpan(r * spec.RawWidth, spec.RawWidth));
            ids[r] = r % 3;
        }

        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(new RankerEnsemble([network]), spec, fit), "v1", new OnnxRankerOptions(), spec.RawWidth, 1);
        var p = new float[Rows];
        var t = new float[Rows];
        ranker.Score(imputed, ids, Rows, p, t);

        for (var r = 0; r < Rows; r++)
        {
            // A missing duration is the fitted median, as the graph's other inputs.
            var seconds = fit.ExpectedSeconds(imputed[(r * spec.RawWidth) + 1]);
            var expected = p[r] * (satisfaction ? Math.Log(1 + (seconds / 60)) : seconds);
            Assert.True(Math.Abs(t[r] - expected) <= 1e-4 * expected, $"Row {r}: watch_time {t[r]} vs p_watch x {(satisfaction ? "ln(1 + E[seconds | watched] / 60)" : "E[seconds | watched]")} {expected}.");
        }

        Assert.True(t.Distinct().Count() > Rows / 2, "watch_time hardly varies: the check would prove little.");
    }

    [Fact]
    public void Exporting_the_fit_without_a_duration_input_is_refused()
    {
        var fit = new WatchSecondsGivenWatch(0, 1, 10);
        var network = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = 2, Fields = [], HiddenLayers = [4] }, seed: 1);
        Assert.Throws<ArgumentException>(() => RankerOnnxExporter.Export(new RankerEnsemble([network]), null, fit));

        var noDuration = new FeatureSpec([new NumericFeature("dot", NumericTransform.Standardize)], [], []);
        var spec = FittedFeatureSpec.Fit(noDuration, Enumerable.Range(0, 50).Select(i => new FeatureRow([i * 0.1], [], [])));
        var other = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = spec.DenseWidth, Fields = [], HiddenLayers = [4] }, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => RankerOnnxExporter.Export(new RankerEnsemble([other]), spec, fit));
        Assert.Contains(WatchSecondsGivenWatch.DurationFeature, error.Message);
    }
}
