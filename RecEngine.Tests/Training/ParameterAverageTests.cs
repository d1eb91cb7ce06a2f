using RecEngine.Training.Network;

namespace RecEngine.Tests.Training;

public sealed class ParameterAverageTests
{
    private static float[][] All(RankerNetwork network) => [.. network.DenseParameters, .. network.Tables.Select(t => t.Values)];

    [Fact]
    public void Applies_the_mean_of_the_checkpoints_to_every_dense_parameter_and_embedding()
    {
        var network = new RankerNetwork(TinyRanker.Options(), seed: 3);
        var first = All(network).Select(p => p.ToArray()).ToArray();
        var average = new ParameterAverage(network);
        average.Apply(); // no checkpoint yet: nothing changes
        Assert.Equal(first, All(network).Select(p => p.ToArray()).ToArray());

        average.Add();
        foreach (var p in All(network))
        {
            for (var i = 0; i < p.Length; i++)
            {
                p[i] = (p[i] * 3) + 1;
            }
        }

        average.Add();
        average.Apply();
        var mean = All(network);
        for (var a = 0; a < mean.Length; a++)
        {
            for (var i = 0; i < mean[a].Length; i++)
            {
                Assert.Equal((first[a][i] + ((first[a][i] * 3) + 1)) / 2, mean[a][i], 5);
            }
        }
    }

    [Theory]
    [InlineData(600, 64, 4)]  // 10 batches, 4 checkpoints
    [InlineData(600, 64, 10)] // one a batch
    [InlineData(100, 64, 5)]  // more checkpoints than batches: some batches give two
    public void An_epoch_takes_exactly_the_checkpoints_asked_for(int rows, int batch, int checkpoints)
    {
        var network = new RankerNetwork(TinyRanker.Options(), seed: 5);
        var examples = TinyRanker.RandomExamples(network, rows, seed: 7);
        var trainer = new RankerTrainer(network, new RankerTrainerOptions { BatchSize = batch, Seed = 1 });
        var average = new ParameterAverage(network);
        trainer.TrainEpoch(examples, average, checkpoints);
        Assert.Equal(checkpoints, average.Count);
    }

    [Fact]
    public void The_averaged_network_differs_from_the_last_step_and_is_deterministic()
    {
        var network = new RankerNetwork(TinyRanker.Options(), seed: 5);
        var examples = TinyRanker.RandomExamples(network, 800, seed: 7);
        float[] Run(int checkpoints)
        {
            var net = new RankerNetwork(TinyRanker.Options(), seed: 5);
            var trainer = new RankerTrainer(net, new RankerTrainerOptions { BatchSize = 32, Seed = 2 });
            var average = checkpoints > 0 ? new ParameterAverage(net) : null;
            trainer.TrainEpoch(examples);
            trainer.TrainEpoch(examples, average, checkpoints);
            average?.Apply();
            return [.. All(net).SelectMany(p => p)];
        }

        var averaged = Run(8);
        Assert.Equal(averaged, Run(8));
        Assert.NotEqual(averaged, Run(0));
    }
}
