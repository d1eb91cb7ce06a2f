using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

public class RadixSortTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void Sorts_like_Array_Sort(int n)
    {
        var random = new Random(n);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (i % 5) switch
            {
                0 => (random.NextDouble() - 0.5) * 1e6,
                1 => Math.Round(random.NextDouble() * 10) - 5, // ties, including 0
                2 => -random.NextDouble() * 1e-300,
                3 => random.NextDouble() * 3,
                _ => i % 100 == 4 ? double.NegativeInfinity : i % 100 == 9 ? double.PositiveInfinity : -random.NextDouble(),
            };
        }

        var expected = values.ToArray();
        Array.Sort(expected);
        RadixSort.Sort(values);
        Assert.Equal(expected, values);
    }

    [Fact]
    public void Narrow_values_skip_passes_and_still_sort()
    {
        var values = Enumerable.Range(0, 5000).Select(i => 1.0 + ((i * 7919 % 5000) * 1e-9)).ToArray();
        RadixSort.Sort(values);
        for (var i = 1; i < values.Length; i++)
        {
            Assert.True(values[i - 1] <= values[i]);
        }
    }
}
