using RecEngine.Training.Evaluation;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// The LambdaRank gradient is the derivative of the |ΔNDCG|-weighted pairwise cost (central finite differences,
/// away from ties), on the scores and through the blend's linear score on its weights with the L2 term.
/// </summary>
public sealed class LambdaRankLossTests
{
    private static (double[] Scores, bool[] Relevant) List(int seed, int n = 30, int positives = 4)
    {
        var rng = new Random(seed);
        var scores = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        var relevant = new bool[n];
        foreach (var i in Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(positives))
        {
            relevant[i] = true;
        }

        return (scores, relevant);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(0, 2)]
    [InlineData(3, 3)]
    public void GradientMatchesFiniteDifferencesOfTheCost(int truncation, int seed)
    {
        var (scores, relevant) = List(seed);
        var gradient = new double[scores.Length];
        LambdaRankLoss.Accumulate(scores, relevant, truncation, gradient);
        Assert.Contains(gradient, g => Math.Abs(g) > 1e-4);
        const double h = 1e-6;
        for (var i = 0; i < scores.Length; i++)
        {
            var up = (double[])scores.Clone();
            var down = (double[])scores.Clone();
            up[i] += h;
            down[i] -= h;
            var numeric = (LambdaRankLoss.Accumulate(up, relevant, truncation, new double[scores.Length]) - LambdaRankLoss.Accumulate(down, relevant, truncation, new double[scores.Length])) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-6, $"item {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void DescentRaisesARelevantItemRankedLast()
    {
        double[] scores = [3, 2, 1, 0];
        bool[] relevant = [false, false, false, true];
        var gradient = new double[4];
        var cost = LambdaRankLoss.Accumulate(scores, relevant, 0, gradient);
        Assert.True(cost > 0);
        Assert.True(gradient[3] < 0, "the relevant item's score should go up under gradient descent");
        Assert.All(gradient[..3], g => Assert.True(g > 0));
    }

    [Fact]
    public void AListWithoutARelevantItemCostsNothing()
    {
        var gradient = new double[3];
        Assert.Equal(0, LambdaRankLoss.Accumulate([1, 2, 3], [false, false, false], 10, gradient));
        Assert.All(gradient, g => Assert.Equal(0, g));
    }

    [Fact]
    public void BlendGradientOnTheWeightsMatchesFiniteDifferences()
    {
        var rng = new Random(11);
        var width = BlendFeatures.Count;
        var lists = Enumerable.Range(0, 6).Select(s =>
        {
            var (_, relevant) = List(s + 10, n: 25, positives: 3);
            var features = Enumerable.Range(0, relevant.Length * width).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            return new BlendList([.. Enumerable.Range(0, relevant.Length)], features, relevant);
        }).ToList();
        var weights = Enumerable.Range(0, width).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var gradient = new double[width];
        RankingBlend.LossAndGradient(weights, lists, 10, 0.1, gradient);
        const double h = 1e-6;
        for (var f = 0; f < width; f++)
        {
            var up = (double[])weights.Clone();
            var down = (double[])weights.Clone();
            up[f] += h;
            down[f] -= h;
            var numeric = (RankingBlend.LossAndGradient(up, lists, 10, 0.1, new double[width]) - RankingBlend.LossAndGradient(down, lists, 10, 0.1, new double[width])) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[f]) < 1e-6, $"weight {f}: analytic {gradient[f]}, numeric {numeric}");
        }
    }
}
