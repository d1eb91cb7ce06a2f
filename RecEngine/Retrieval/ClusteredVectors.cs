namespace RecEngine.Retrieval;

/// <summary>
/// Seeded synthetic embeddings for tests and <c>bench-index</c>: a mixture of Gaussian clusters around random
/// centres. Items are scaled by a random factor so norms differ (as learned item factors do), which is what
/// makes inner-product search harder than cosine search; queries come from the same mixture, as user vectors
/// live among the items they like.
/// </summary>
internal sealed class ClusteredVectors
{
    private readonly float[] _centres;
    private readonly int _clusters;

    public ClusteredVectors(int dimensions, int clusters, int seed)
    {
        Dimensions = dimensions;
        _clusters = clusters;
        var random = new Random(seed);
        _centres = new float[clusters * dimensions];
        for (var i = 0; i < _centres.Length; i++)
        {
            _centres[i] = (float)Gaussian(random);
        }
    }

    public int Dimensions { get; }

    /// <summary>Item vectors: centre plus noise, times a norm factor in [0.5, 1.5).</summary>
    public float[] Items(int count, int seed, double spread = 0.35) => Sample(count, seed, spread, scaled: true);

    /// <summary>Query vectors: centre plus wider noise, unscaled.</summary>
    public float[] Queries(int count, int seed, double spread = 0.5) => Sample(count, seed, spread, scaled: false);

    /// <summary>Items of a fresh mixture in one call.</summary>
    public static float[] Generate(int count, int dimensions, int clusters, int seed, double spread = 0.35) =>
        new ClusteredVectors(dimensions, clusters, seed).Items(count, seed + 1, spread);

    private float[] Sample(int count, int seed, double spread, bool scaled)
    {
        var random = new Random(seed);
        var dims = Dimensions;
        var vectors = new float[(long)count * dims];
        for (var row = 0; row < count; row++)
        {
            var centre = random.Next(_clusters) * dims;
            var scale = scaled ? 0.5 + random.NextDouble() : 1.0;
            for (var d = 0; d < dims; d++)
            {
                vectors[((long)row * dims) + d] = (float)(scale * (_centres[centre + d] + (spread * Gaussian(random))));
            }
        }

        return vectors;
    }

    /// <summary>Standard normal by Box-Muller.</summary>
    public static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
