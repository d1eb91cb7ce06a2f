using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

internal static class VectorTestData
{
    public static long[] Ids(int count, long offset = 1000) => Enumerable.Range(0, count).Select(i => offset + (i * 3L)).ToArray();

    /// <summary>Items and queries from one seeded mixture of clusters.</summary>
    public static (float[] Items, float[] Queries) Mixture(int items, int queries, int dimensions, int clusters, int seed)
    {
        var mix = new ClusteredVectors(dimensions, clusters, seed);
        return (mix.Items(items, seed + 1), mix.Queries(queries, seed + 2));
    }

    public static double Recall(VectorHit[] truth, VectorHit[] found)
    {
        var set = truth.Select(h => h.Id).ToHashSet();
        return found.Count(h => set.Contains(h.Id)) / (double)truth.Length;
    }

    /// <summary>Long-tailed norms, as learned factors have: a few large, most far below (norms spread over three orders of magnitude).</summary>
    public static float[] LongTailed(int n, int dims, int seed)
    {
        var vectors = new ClusteredVectors(dims, clusters: 20, seed).Items(n, seed + 1);
        var random = new Random(seed + 2);
        for (var row = 0; row < n; row++)
        {
            var scale = MathF.Pow(10f, -3f * MathF.Sqrt((float)random.NextDouble()));
            for (var d = 0; d < dims; d++)
            {
                vectors[(row * dims) + d] *= scale;
            }
        }

        return vectors;
    }

    /// <summary>Every query's top <paramref name="k"/> from <paramref name="index"/> is exact search's: the same ids in the same order, and the same scores.</summary>
    public static void AssertAnswersAsExact(ExactVectorIndex exact, IVectorIndex index, float[] queries, int k)
    {
        var dims = exact.Dimensions;
        for (var q = 0; q < queries.Length / dims; q++)
        {
            var truth = exact.Search(queries.AsSpan(q * dims, dims), k);
            var found = index.Search(queries.AsSpan(q * dims, dims), k);
            Assert.Equal(truth.Select(h => h.Id), found.Select(h => h.Id));
            Assert.All(truth.Zip(found), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-5f));
        }
    }
}
