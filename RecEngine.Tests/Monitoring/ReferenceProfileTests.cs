using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

public class ReferenceProfileTests
{
    [Fact]
    public void Reservoir_is_deterministic_for_a_seed_and_bounded()
    {
        var a = new ReservoirSample(10, seed: 7);
        var b = new ReservoirSample(10, seed: 7);
        for (var i = 0; i < 1000; i++)
        {
            a.Add(i);
            b.Add(i);
        }

        Assert.Equal(10, a.Count);
        Assert.Equal(1000, a.Seen);
        Assert.Equal(a.ToArray(), b.ToArray());
    }

    [Fact]
    public void Reservoir_keeps_every_value_with_equal_probability()
    {
        // Stream of 100 values into a reservoir of 10, 20,000 times: each value is kept with probability
        // 1/10, so about 2,000 times (sd 42). A chi-square over the 100 values has 99 df; its 0.999
        // quantile is 148.2.
        const int stream = 100, capacity = 10, runs = 20_000;
        var kept = new long[stream];
        for (var run = 0; run < runs; run++)
        {
            var r = new ReservoirSample(capacity, seed: run);
            for (var i = 0; i < stream; i++)
            {
                r.Add(i);
            }

            foreach (var v in r.ToArray())
            {
                kept[(int)v]++;
            }
        }

        var expected = (double)runs * capacity / stream;
        var chi = kept.Sum(k => (k - expected) * (k - expected) / expected);
        Assert.True(chi < 148.2, $"chi-square {chi}: the reservoir favours some positions");
    }

    [Fact]
    public void Numeric_reference_has_quantile_bins_and_a_sorted_sample()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (double)((i * 7919) % 1000)).ToArray();
        var reference = NumericFeatureReference.Build("x", values, bins: 10, sampleSize: 100, seed: 1);
        Assert.Equal(1000, reference.Count);
        Assert.Equal([100.0, 200, 300, 400, 500, 600, 700, 800, 900], reference.BinEdges);
        Assert.All(reference.BinCounts, c => Assert.Equal(100, c));
        Assert.Equal(100, reference.Sample.Length);
        Assert.Equal(reference.Sample.Order(), reference.Sample);
    }

    [Fact]
    public void Profile_round_trips_through_json()
    {
        var profile = new ReferenceProfile
        {
            ModelVersion = "v7",
            CapturedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
            Features =
            [
                NumericFeatureReference.Build("watch_seconds", [1.5, 2.5, 3.5, 4.5], bins: 2, sampleSize: 3, seed: 1),
                CategoricalFeatureReference.Build("device", ["tv", "phone", "phone"]),
            ],
        };

        var json = profile.ToJson();
        Assert.Contains("\"kind\": \"numeric\"", json, StringComparison.Ordinal);
        Assert.Contains("\"bin_edges\"", json, StringComparison.Ordinal);
        var back = ReferenceProfile.FromJson(json);
        Assert.Equal("v7", back.ModelVersion);
        Assert.Equal(profile.CapturedAt, back.CapturedAt);
        var numeric = Assert.IsType<NumericFeatureReference>(back.Features[0]);
        var original = (NumericFeatureReference)profile.Features[0];
        Assert.Equal(original.BinEdges, numeric.BinEdges);
        Assert.Equal(original.BinCounts, numeric.BinCounts);
        Assert.Equal(original.Sample, numeric.Sample);
        var categorical = Assert.IsType<CategoricalFeatureReference>(back.Features[1]);
        Assert.Equal(2, categorical.Counts["phone"]);
        Assert.Equal(3, categorical.Count);
    }
}
