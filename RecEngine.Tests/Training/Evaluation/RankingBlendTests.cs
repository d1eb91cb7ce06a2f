using RecEngine.Training.Evaluation;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// The blend's weights are learned from the validation lists' labels: lists whose relevant items are the top of
/// one feature give that feature the largest weight, and the same features with labels from another feature move
/// the weight there; the fitted blend then ranks fresh lists of the same kind far better than a random order.
/// </summary>
public sealed class RankingBlendTests
{
    /// <summary>Lists of 40 candidates with random standard-normal features; the 3 with the largest <paramref name="driver"/> (plus noise) are relevant.</summary>
    private static List<BlendList> Lists(int driver, int seed, int count = 150)
    {
        var rng = new Random(seed);
        var width = BlendFeatures.Count;
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var lists = new List<BlendList>();
        for (var l = 0; l < count; l++)
        {
            const int n = 40;
            var features = Enumerable.Range(0, n * width).Select(_ => Normal()).ToArray();
            var top = Enumerable.Range(0, n).OrderByDescending(i => features[(i * width) + driver] + (0.3 * Normal())).Take(3).ToHashSet();
            lists.Add(new BlendList([.. Enumerable.Range(0, n)], features, [.. Enumerable.Range(0, n).Select(top.Contains)]));
        }

        return lists;
    }

    private static double Ndcg(RankingBlend blend, List<BlendList> lists) =>
        lists.Average(l => RankingMetrics.NdcgAtK(blend.Order(l, 10), l.Ids.Where((_, i) => l.Relevant[i]).ToHashSet(), 10));

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void TheWeightGoesToTheFeatureThatDrivesTheValidationLabels(int driver)
    {
        var blend = RankingBlend.Fit(Lists(driver, seed: 1), BlendFeatures.Count, truncation: 10, l2: 1e-3);
        var largest = Enumerable.Range(0, BlendFeatures.Count).MaxBy(f => Math.Abs(blend.Weights[f]));
        Assert.Equal(driver, largest);
        Assert.True(blend.Weights[driver] > 0, string.Join(' ', blend.Weights));

        var fresh = Lists(driver, seed: 2, count: 100);
        var fitted = Ndcg(blend, fresh);
        var unfitted = Ndcg(RankingBlend.FromWeights(new double[BlendFeatures.Count]), fresh);
        Assert.True(fitted > 0.7 && fitted > unfitted + 0.4, $"fitted {fitted}, all-zero weights {unfitted}");
    }
}
