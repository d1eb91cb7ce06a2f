using MathNet.Numerics.Distributions;
using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

/// <summary>Seeded synthetic features for the drift tests.</summary>
internal static class MonitoringTestData
{
    public static double[] Normal(Random random, int count, double mean = 0, double sd = 1)
    {
        var values = new double[count];
        MathNet.Numerics.Distributions.Normal.Samples(random, values, mean, sd);
        return values;
    }

    public static double[] PoissonValues(Random random, int count, double lambda)
    {
        var ints = new int[count];
        Poisson.Samples(random, ints, lambda);
        return ints.Select(i => (double)i).ToArray();
    }

    public static string[] Categories(Random random, int count, double[] weights, string[] names)
    {
        var values = new string[count];
        var total = weights.Sum();
        for (var i = 0; i < count; i++)
        {
            var u = random.NextDouble() * total;
            var k = 0;
            while (k < weights.Length - 1 && u >= weights[k])
            {
                u -= weights[k];
                k++;
            }

            values[i] = names[k];
        }

        return values;
    }

    /// <summary>The means and standard deviations of feature f, so features differ in location and scale.</summary>
    public static (double Mean, double Sd) Shape(int feature) => (feature * 0.5, 0.5 + (feature % 7));

    public static MonitoringOptions Options(int minWindow = 1000) => new()
    {
        MinWindowSize = minWindow,
        ReferenceSampleSize = Math.Max(minWindow, 10_000),
        LiveWindowCapacity = Math.Max(minWindow, 100_000),
    };
}
