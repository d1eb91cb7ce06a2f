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
}
