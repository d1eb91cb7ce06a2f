using RecEngine.Ranking.Features;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

public sealed class PositionBiasTests
{
    [Fact]
    public void Fit_recovers_the_examination_exponent_from_the_explored_impressions_only()
    {
        var random = new Random(5);
        var data = new RankerDataset();
        for (var i = 0; i < 40_000; i++)
        {
            // Explored: position uniform, watched with 0.3 x (1 + position)^-0.7.
            var position = random.Next(8);
            Add(data, position, random.NextDouble() < 0.3 * Math.Pow(1 + position, -0.7), explored: true);
            // The model's own picks: the lowest positions are watched most, the opposite of examination; they must not count.
            var own = random.Next(8);
            Add(data, own, random.NextDouble() < 0.05 * (1 + own), explored: false);
        }

        var bias = PositionBias.Fit(data);

        Assert.NotNull(bias);
        Assert.InRange(bias.Exponent, 0.6, 0.8);
        Assert.Equal(40_000, bias.Impressions);
        Assert.Equal(0f, bias.Offset(0));
        Assert.Equal((float)(-bias.Exponent * Math.Log(4)), bias.Offset(3), 5);
    }

    [Fact]
    public void Fit_needs_enough_watched_explored_impressions()
    {
        var data = new RankerDataset();
        for (var i = 0; i < 1_000; i++)
        {
            Add(data, i % 8, i < PositionBias.MinWatches - 1, explored: true);
            Add(data, i % 8, true, explored: false);
        }

        Assert.Null(PositionBias.Fit(data));
    }

    [Fact]
    public void Offsets_let_the_network_learn_appeal_net_of_where_the_video_was_shown()
    {
        // The model's own slates: appealing videos (x = 1, P 0.4 at the top) always first, others (x = -1, P 0.3 at
        // the top) always last, where examination is 8^-0.7. Serving asks for P(watch) at the top.
        const double exponent = 0.7;
        var random = new Random(3);
        const int rows = 8_000;
        var dense = new float[rows];
        var watched = new float[rows];
        var offsets = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var appealing = i % 2 == 0;
            var position = appealing ? 0 : 7;
            dense[i] = appealing ? 1 : -1;
            offsets[i] = (float)(-exponent * Math.Log(1 + position));
            watched[i] = random.NextDouble() < (appealing ? 0.4 : 0.3) * Math.Pow(1 + position, -exponent) ? 1 : 0;
        }

        double PredictedForTheOthers(bool withOffsets)
        {
            var network = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = 1, Fields = [], CrossLayers = 1, HiddenLayers = [8] }, seed: 1);
            var examples = new RankerExamples(1, 0, dense, [], watched, watched.Select(w => w * 100).ToArray()) { LogitOffsets = withOffsets ? offsets : null };
            new RankerTrainer(network, new RankerTrainerOptions { Epochs = 8, BatchSize = 128, LearningRate = 1e-2f }).Train(examples);
            var p = new float[1];
            var t = new float[1];
            network.Predict([-1f], [], 1, p, t);
            return p[0];
        }

        // Logistic with a log-examination offset: sigmoid(z - 1.46) = 0.07 gives sigmoid(z) near 0.24, close to the true 0.3.
        var net = PredictedForTheOthers(withOffsets: true);
        var confounded = PredictedForTheOthers(withOffsets: false);
        Assert.True(net > 0.18, $"with offsets the less appealing videos get P(watch) {net:0.000} at the top");
        Assert.True(confounded < 0.12, $"without offsets they get {confounded:0.000}, their rate at the bottom");
    }

    internal static void Add(RankerDataset data, int position, bool watched, bool explored, double exampleAge = 5)
    {
        var numeric = new double[RankingFeatures.NumericCount];
        numeric[2] = exampleAge;
        numeric[3] = position;
        data.Numeric.Add(numeric);
        data.Categorical.Add(new string?[RankingFeatures.CategoricalCount]);
        data.Text.Add(new string?[RankingFeatures.TextCount]);
        data.Watched.Add(watched ? 1 : 0);
        data.WatchSeconds.Add(watched ? 60 : 0);
        data.Users.Add("u1");
        data.Videos.Add(0);
        data.Impressions.Add((DateTime.UnixEpoch, position, null));
        if (explored)
        {
            data.ExploredRows.Add(data.Count - 1);
        }
    }
}
