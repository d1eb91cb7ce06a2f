using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

/// <summary>Small networks and random inputs shared by the training and ranking tests.</summary>
internal static class TinyRanker
{
    public static RankerNetworkOptions Options(int crossLayers = 2, params int[] hidden) => new()
    {
        DenseFeatures = 3,
        Fields = [new CategoricalField("category", 4, Width: 3), new CategoricalField("device", 6, Width: 2)],
        TextFields = [new TextField("title", 7, Tokens: 3, Width: 2)],
        CrossLayers = crossLayers,
        HiddenLayers = hidden.Length == 0 ? [5, 4] : hidden,
    };

    public static RankerExamples RandomExamples(RankerNetwork network, int rows, int seed)
    {
        var random = new Random(seed);
        var dense = GradientCheck.Random(random, rows * network.DenseFeatures, 2f);
        var ids = RandomIds(network, rows, random);
        var watched = Enumerable.Range(0, rows).Select(_ => random.Next(2) * 1f).ToArray();
        var seconds = watched.Select(w => w > 0 ? (float)(random.NextDouble() * 60) : 0f).ToArray();
        return new RankerExamples(network.DenseFeatures, network.IdWidth, dense, ids, watched, seconds);
    }

    /// <summary>
    /// Categorical ids mostly in range, some out of vocabulary (too large or negative); token slots with repeats,
    /// padding (0) and corrupt ids, including rows of padding only.
    /// </summary>
    public static long[] RandomIds(RankerNetwork network, int rows, Random random)
    {
        var width = network.IdWidth;
        var ids = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var row = ids.AsSpan(r * width, width);
            for (var f = 0; f < network.FieldCount; f++)
            {
                row[f] = random.Next(-1, network.Embeddings[f].Rows + 1);
            }

            var slot = network.FieldCount;
            foreach (var bag in network.Bags)
            {
                var empty = r % 5 == 4;
                for (var t = 0; t < bag.Tokens; t++)
                {
                    row[slot + t] = empty ? 0 : random.Next(-1, bag.Table.Rows + 1);
                }

                slot += bag.Tokens;
            }
        }

        return ids;
    }
}
