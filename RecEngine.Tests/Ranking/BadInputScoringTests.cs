using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Tests.Ranking;

/// <summary>
/// Bad values on the way to the exported ranker (the path <c>CandidateScorer</c> takes): NaN, infinities, negative
/// durations, unseen and missing categories, empty and odd texts. Each is counted, and every score stays finite.
/// </summary>
public sealed class BadInputScoringTests
{
    private static readonly FeatureSpec Spec = new(
        [
            new NumericFeature("duration", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("dot", NumericTransform.Standardize),
            new NumericFeature("trending", NumericTransform.Quantile, NonNegative: true),
        ],
        [new CategoricalFeature("category"), new CategoricalFeature("device")],
        [new TextFeature("title", Buckets: 64, MaxTokens: 4)]);

    [Fact]
    public void Bad_values_are_counted_and_every_score_is_finite()
    {
        var random = new Random(3);
        var fitted = FittedFeatureSpec.Fit(Spec, Enumerable.Range(0, 200).Select(i => new FeatureRow(
            [random.Next(10, 3000), random.NextDouble() - 0.5, random.NextDouble()], [i % 2 == 0 ? "music" : "news", "tv"], [$"song {i}"])));
        var network = new RankerNetwork(new RankerNetworkOptions
        {
            DenseFeatures = fitted.DenseWidth,
            Fields = [.. fitted.Categorical.Select((c, i) => new CategoricalField(Spec.Categorical[i].Name, c.Buckets - 1))],
            TextFields = [new TextField("title", 64, 4)],
            HiddenLayers = [8],
        }, seed: 4);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(network, fitted), "bad", new OnnxRankerOptions(), fitted.RawWidth, fitted.IdWidth);

        (double[] Numeric, string?[] Categorical, string?[] Text)[] rows =
        [
            ([double.NaN, double.PositiveInfinity, double.NegativeInfinity], ["never-seen", null], [null]),
            ([-120, double.NaN, -0.5], ["music", "fridge"], [""]),
            ([double.MaxValue, double.MinValue, double.Epsilon], [null, "tv"], ["!!! ??? 日本語 " + new string('x', 10_000)]),
            ([60, 0.1, 0.5], ["news", "tv"], ["song 7"]),
        ];
        var raw = new float[rows.Length * fitted.RawWidth];
        var ids = new long[rows.Length * fitted.IdWidth];
        for (var r = 0; r < rows.Length; r++)
        {
            fitted.ImputeNumeric(rows[r].Numeric, raw.AsSpan(r * fitted.RawWidth, fitted.RawWidth));
            fitted.Ids(rows[r].Categorical, rows[r].Text, ids.AsSpan(r * fitted.IdWidth, fitted.IdWidth));
        }

        var p = new float[rows.Length];
        var t = new float[rows.Length];
        ranker.Score(raw, ids, rows.Length, p, t);

        Assert.All(p, v => Assert.True(float.IsFinite(v) && v is >= 0 and <= 1, $"p_watch {v}"));
        Assert.All(t, v => Assert.True(float.IsFinite(v) && v >= 0, $"watch_time {v}"));
        var q = fitted.Quality;
        Assert.Equal(1, q.Missing(0));                // NaN duration
        Assert.Equal(1, q.Negative(0));               // -120 s
        Assert.Equal(1, q.NonFinite(0));              // double.MaxValue: infinite as the graph's float input
        Assert.Equal(2, q.NonFinite(1));              // +inf, and double.MinValue for the same reason
        Assert.Equal(1, q.Missing(1));                // NaN dot
        Assert.Equal(1, q.NonFinite(2));              // -inf
        Assert.Equal(1, q.Negative(2));               // -0.5
        Assert.Equal(2, q.Unseen(0) + q.Unseen(1));   // "never-seen" category, "fridge" device
        Assert.Equal(2, q.Missing(Spec.Numeric.Count) + q.Missing(Spec.Numeric.Count + 1)); // the two null categories
        Assert.Equal(0, ids[fitted.Categorical.Length]); // a null title is padding only
    }
}
