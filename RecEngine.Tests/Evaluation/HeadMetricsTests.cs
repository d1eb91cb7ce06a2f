using RecEngine.Evaluation;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Tests.Training;
using RecEngine.Training;
using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
using RecEngine.Training.Network;

namespace RecEngine.Tests.Evaluation;

/// <summary>
/// The watch head's AUC on held-out impressions: at their logged positions (what the world's own P(watch) is compared
/// with) and as if every one were at the top (as serving scores them). Watches here depend on one input and on the
/// position, so a model that knows the position must rank the held-out impressions better than one scored at the top.
/// </summary>
public sealed class HeadMetricsTests
{
    private static readonly int Position = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("position");

    private const double Exponent = 1.5;

    private static RankerDataset Impressions(int count, int seed)
    {
        var random = new Random(seed);
        var data = new RankerDataset();
        for (var i = 0; i < count; i++)
        {
            var position = random.Next(8);
            var x = (random.NextDouble() * 4) - 2;
            var logit = -0.5 + (1.5 * x) - (Exponent * Math.Log(1 + position));
            PositionBiasTests.Add(data, position, random.NextDouble() < 1 / (1 + Math.Exp(-logit)), explored: false);
            data.Numeric[^1][0] = x;
        }

        return data;
    }

    private static (TrainedRanker Trained, OnnxRanker Ranker) Train(PositionBias? bias)
    {
        var train = Impressions(6_000, seed: 1);
        if (bias is not null)
        {
            PositionBias.ClearPositionInput(train);
        }

        var trained = RankerModelTrainer.Train(train, new RankerTrainerOptions { Epochs = 3, MaxParallelism = 1 }, positionBias: bias);
        var bytes = RankerOnnxExporter.ToBytes(trained.Ensemble, trained.Spec, trained.WatchSeconds);
        return (trained, OnnxRanker.Load(bytes, "heads", new OnnxRankerOptions(), trained.Spec.RawWidth, trained.Spec.IdWidth));
    }

    [Fact]
    public void A_ranker_trained_with_the_position_term_is_scored_with_it_at_the_logged_positions_and_without_it_at_the_top()
    {
        var bias = new PositionBias(Exponent, 6_000, 1_000);
        var (trained, ranker) = Train(bias);
        using var _ = ranker;
        var test = Impressions(3_000, seed: 2);

        var heads = HeadMetrics.Measure(test, trained.Spec, ranker, bias);

        Assert.Equal(3_000, heads.Impressions);
        Assert.True(heads.WatchAucAtTop > 0.7, $"AUC at the top {heads.WatchAucAtTop}: the network did not learn the planted input.");
        Assert.True(heads.WatchAuc > heads.WatchAucAtTop + 0.03, $"AUC at the logged positions {heads.WatchAuc} against {heads.WatchAucAtTop} at the top: the position term was not added.");
        // The network was trained with the position input at 0, as serving gives it, and is tested the same way.
        Assert.All(test.Numeric, row => Assert.Equal(0, row[Position]));
        Assert.Equal(7, test.Impressions.Max(i => i.Position));
    }

    [Fact]
    public void A_ranker_with_position_as_an_input_is_scored_at_the_logged_positions_and_again_at_position_zero()
    {
        var (trained, ranker) = Train(bias: null);
        using var _ = ranker;
        var test = Impressions(3_000, seed: 2);

        var heads = HeadMetrics.Measure(test, trained.Spec, ranker, positionBias: null);

        Assert.True(heads.WatchAucAtTop > 0.6, $"AUC at the top {heads.WatchAucAtTop}");
        Assert.True(heads.WatchAuc > heads.WatchAucAtTop + 0.03, $"AUC at the logged positions {heads.WatchAuc} against {heads.WatchAucAtTop} at position 0: the position input was not read.");
        Assert.All(test.Numeric, row => Assert.Equal(0, row[Position]));
    }
}
