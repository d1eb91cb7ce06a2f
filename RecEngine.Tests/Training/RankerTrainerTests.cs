using RecEngine.Training.Evaluation;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

public sealed class RankerTrainerTests
{
    [Fact]
    public void Training_on_separable_data_reduces_loss_and_reaches_high_auc()
    {
        var (train, test) = SeparableData(3000, 1000, seed: 21);
        var network = new RankerNetwork(Options(), seed: 1);
        var trainer = new RankerTrainer(network, new RankerTrainerOptions { Epochs = 6, BatchSize = 128, LearningRate = 3e-3f });

        var losses = trainer.Train(train);

        Assert.True(losses[^1] < 0.6 * losses[0], $"Loss went {string.Join(" -> ", losses.Select(l => l.ToString("F3")))}.");
        var p = new float[test.Count];
        var t = new float[test.Count];
        network.Predict(test.Dense, test.Categorical, test.Count, p, t);
        var watched = test.Watched.Select(w => w > 0.5f).ToList();
        var auc = RankingMetrics.Auc(p.Select(x => (double)x).ToList(), watched);
        Assert.True(auc > 0.9, $"Held-out AUC {auc:F3}.");
        var watchTimeAuc = RankingMetrics.Auc(t.Select(x => (double)x).ToList(), watched);
        Assert.True(watchTimeAuc > 0.9, $"The watch-time head ranks watched rows with AUC {watchTimeAuc:F3}.");
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var (train, _) = SeparableData(600, 0, seed: 3);
        float[] Run(int parallelism)
        {
            var network = new RankerNetwork(Options(), seed: 9);
            new RankerTrainer(network, new RankerTrainerOptions { Epochs = 2, BatchSize = 64, Seed = 4, Shards = 3, MaxParallelism = parallelism }).Train(train);
            return [.. network.DenseParameters.SelectMany(p => p), .. network.Embeddings.SelectMany(e => e.Values)];
        }

        var parallel = Run(3);
        Assert.Equal(parallel, Run(3));
        // Shards run one after another on the calling thread (a retraining beside serving) give the same model.
        Assert.Equal(parallel, Run(1));
    }

    private static RankerNetworkOptions Options() => new()
    {
        DenseFeatures = 4,
        Fields = [new CategoricalField("creator", 20), new CategoricalField("category", 8)],
        CrossLayers = 2,
        HiddenLayers = [32, 16],
    };

    /// <summary>
    /// Watched iff a linear score of the dense features plus a per-creator and per-category effect is positive;
    /// watched rows watch longer the higher the score.
    /// </summary>
    internal static (RankerExamples Train, RankerExamples Test) SeparableData(int trainRows, int testRows, int seed)
    {
        var random = new Random(seed);
        float[] w = [1.5f, -2f, 1f, 0.5f];
        var creator = GradientCheck.Random(random, 21, 1.5f);
        var category = GradientCheck.Random(random, 9, 1f);
        RankerExamples Make(int rows)
        {
            var dense = GradientCheck.Random(random, rows * 4);
            var ids = new long[rows * 2];
            var watched = new float[rows];
            var seconds = new float[rows];
            for (var i = 0; i < rows; i++)
            {
                ids[i * 2] = random.Next(1, 21);
                ids[i * 2 + 1] = random.Next(1, 9);
                var score = creator[ids[i * 2]] + category[ids[i * 2 + 1]];
                for (var j = 0; j < 4; j++)
                {
                    score += w[j] * dense[i * 4 + j];
                }

                watched[i] = score > 0 ? 1 : 0;
                seconds[i] = score > 0 ? 5 + 20 * score : 0;
            }

            return new RankerExamples(4, 2, dense, ids, watched, seconds);
        }

        return (Make(trainRows), Make(testRows));
    }
}
