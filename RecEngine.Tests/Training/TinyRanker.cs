using RecEngine.Training;

namespace RecEngine.Tests.Training;

/// <summary>Small networks and random inputs shared by the training and ranking tests.</summary>
internal static class TinyRanker
{
    public static RankerNetworkOptions Options(int crossLayers = 2, params int[] hidden) => new()
    {
        DenseFeatures = 3,
        Fields = [new CategoricalField("category", 4, Width: 3), new CategoricalField("device", 6, Width: 2)],
        CrossLayers = crossLayers,
        HiddenLayers = hidden.Length == 0 ? [5, 4] : hidden,
    };

    public static RankerExamples RandomExamples(RankerNetwork network, int rows, int seed)
    {
        var random = new Random(seed);
        var dense = GradientCheck.Random(random, rows * network.DenseFeatures, 2f);
        var ids = new long[rows * network.FieldCount];
        for (var i = 0; i < ids.Length; i++)
        {
            // Mostly in range, some out of vocabulary (too large or negative).
            ids[i] = random.Next(-1, network.Embeddings[i % network.FieldCount].Rows + 1);
        }

        var watched = Enumerable.Range(0, rows).Select(_ => random.Next(2) * 1f).ToArray();
        var seconds = watched.Select(w => w > 0 ? (float)(random.NextDouble() * 60) : 0f).ToArray();
        return new RankerExamples(network.DenseFeatures, network.FieldCount, dense, ids, watched, seconds);
    }
}
