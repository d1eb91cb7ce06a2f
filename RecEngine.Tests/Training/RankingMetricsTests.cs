using RecEngine.Training.Evaluation;

namespace RecEngine.Tests.Training;

/// <summary>Values worked by hand in the comments.</summary>
public sealed class RankingMetricsTests
{
    private static readonly string[] Ranked = ["a", "b", "c", "d"];
    private static readonly HashSet<string> Relevant = ["a", "c"];

    [Fact]
    public void Recall()
    {
        Assert.Equal(0.5, RankingMetrics.RecallAtK(Ranked, Relevant, 2));
        Assert.Equal(1.0, RankingMetrics.RecallAtK(Ranked, Relevant, 3));
        Assert.Equal(0.0, RankingMetrics.RecallAtK(Ranked, new HashSet<string>(), 3));
    }

    [Fact]
    public void Ndcg()
    {
        // DCG@4 = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.6309297535714575.
        Assert.Equal(1.5 / 1.6309297535714575, RankingMetrics.NdcgAtK(Ranked, Relevant, 4), 12);
        Assert.Equal(0.9197207891481876, RankingMetrics.NdcgAtK(Ranked, Relevant, 4), 12);
        // @1: DCG 1, IDCG 1.
        Assert.Equal(1.0, RankingMetrics.NdcgAtK(Ranked, Relevant, 1), 12);
        Assert.Equal(1.0, RankingMetrics.NdcgAtK(["c", "a", "x"], Relevant, 3), 12);
    }

    [Fact]
    public void NdcgWithWatchSecondsAsGains()
    {
        var gains = new Dictionary<string, double> { ["a"] = 10, ["c"] = 30 };
        // DCG@4 = 10/log2(2) + 30/log2(4) = 25; IDCG = 30 + 10/log2(3) = 36.309297535714575.
        Assert.Equal(25 / 36.309297535714575, RankingMetrics.NdcgAtK(Ranked, gains, 4), 12);
        // The longest watch first is perfect; the binary metric cannot tell the two orders apart.
        Assert.Equal(1.0, RankingMetrics.NdcgAtK(["c", "a", "b"], gains, 3), 12);
        Assert.Equal(RankingMetrics.NdcgAtK(["a", "c", "b"], Relevant, 3), RankingMetrics.NdcgAtK(["c", "a", "b"], Relevant, 3), 12);
        Assert.True(RankingMetrics.NdcgAtK(["a", "c", "b"], gains, 3) < 1);
        // Equal gains give the binary NDCG; no positive gain gives 0.
        Assert.Equal(RankingMetrics.NdcgAtK(Ranked, Relevant, 4), RankingMetrics.NdcgAtK(Ranked, new Dictionary<string, double> { ["a"] = 5, ["c"] = 5 }, 4), 12);
        Assert.Equal(0.0, RankingMetrics.NdcgAtK(Ranked, new Dictionary<string, double> { ["a"] = 0 }, 4));
    }

    [Fact]
    public void AveragePrecision()
    {
        // Hits at ranks 1 and 3: (1/1 + 2/3) / 2 = 0.8333...
        Assert.Equal(5.0 / 6.0, RankingMetrics.AveragePrecisionAtK(Ranked, Relevant, 4), 12);
        // Only rank 1 within k=2: (1/1) / min(2, 2) = 0.5.
        Assert.Equal(0.5, RankingMetrics.AveragePrecisionAtK(Ranked, Relevant, 2), 12);
    }

    [Fact]
    public void Auc()
    {
        // Positives 0.9, 0.7; negatives 0.8, 0.6: pairs won 0.9>0.8, 0.9>0.6, 0.7>0.6 = 3 of 4.
        Assert.Equal(0.75, RankingMetrics.Auc([0.9, 0.8, 0.7, 0.6], [true, false, true, false]), 12);
        Assert.Equal(0.5, RankingMetrics.Auc([0.5, 0.5], [true, false]), 12);
        Assert.Equal(1.0, RankingMetrics.Auc([3, 1, 2], [true, false, false]), 12);
        // A tie between one positive and one of two negatives: (1 + 0.5) / 2.
        Assert.Equal(0.75, RankingMetrics.Auc([0.5, 0.5, 0.1], [true, false, false]), 12);
        Assert.True(double.IsNaN(RankingMetrics.Auc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void AucWithWeightedPositives()
    {
        // Positives 0.9 (weight 3) and 0.7 (weight 1); negatives 0.8, 0.6: 0.9 beats both, 0.7 one of two.
        // (3 x 1 + 1 x 0.5) / 4 = 0.875, where the unweighted AUC is 0.75.
        Assert.Equal(0.875, RankingMetrics.Auc([0.9, 0.8, 0.7, 0.6], [true, false, true, false], [3, 0, 1, 0]), 12);
        // Equal weights give the unweighted AUC, ties included.
        Assert.Equal(0.75, RankingMetrics.Auc([0.5, 0.5, 0.1], [true, false, false], [2, 0, 0]), 12);
        Assert.Equal(RankingMetrics.Auc([0.9, 0.8, 0.7, 0.6], [true, false, true, false]), RankingMetrics.Auc([0.9, 0.8, 0.7, 0.6], [true, false, true, false], [1, 9, 1, 9]), 12);
        Assert.True(double.IsNaN(RankingMetrics.Auc([0.1, 0.2], [true, true], [1, 1])));
        Assert.True(double.IsNaN(RankingMetrics.Auc([0.1, 0.2], [true, false], [0, 1])));
    }

    [Fact]
    public void LogLoss()
    {
        // -(ln 0.8 + ln(1 - 0.4)) / 2 = 0.3669845...
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.6)) / 2, RankingMetrics.LogLoss([0.8, 0.4], [true, false]), 12);
    }
}
