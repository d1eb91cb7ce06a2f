using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

/// <summary>Pinned values were worked by hand and checked with mpmath (30 digits), not by this code.</summary>
public class PopulationStabilityIndexTests
{
    [Fact]
    public void Psi_of_four_bins_worked_by_hand()
    {
        // e = 0.25 each, a = 0.1, 0.2, 0.3, 0.4:
        //   (0.1-0.25) ln(0.4) + (0.2-0.25) ln(0.8) + (0.3-0.25) ln(1.2) + (0.4-0.25) ln(1.6)
        //   = 0.137444 + 0.011157 + 0.009116 + 0.070501 = 0.228217
        Assert.Equal(0.22821740957339181, PopulationStabilityIndex.Compute([25, 25, 25, 25], [10, 20, 30, 40]), 1e-14);
    }

    [Fact]
    public void Psi_of_identical_distributions_is_zero()
    {
        Assert.Equal(0.0, PopulationStabilityIndex.Compute([10, 20, 30], [20, 40, 60]), 1e-15);
    }

    [Fact]
    public void Empty_bins_are_floored_at_epsilon()
    {
        // Reference bin 3 is empty (floored to 1e-4), live has 0.2 there:
        //   2 * (0.4-0.5) ln(0.8) + (0.2-0.0001) ln(2000) = 0.044629 + 1.519420 = 1.564049
        Assert.Equal(1.5640491119253042, PopulationStabilityIndex.Compute([50, 50, 0], [40, 40, 20]), 1e-13);

        // Live bin 3 is empty: (0.5-0.3) ln(5/3) * 2 + (0.0001-0.4) ln(0.00025) = 0.204326 + 3.316795
        Assert.Equal(3.5211207005831971, PopulationStabilityIndex.Compute([30, 30, 40], [50, 50, 0]), 1e-13);
    }

    [Fact]
    public void Critical_value_scales_chi_square_by_the_sample_sizes()
    {
        // chi2_9^{-1}(0.99) = 21.665994333461926; times (1/1000 + 1/1000).
        Assert.Equal(0.043331988666923852, PopulationStabilityIndex.CriticalValue(10, 1000, 1000, 0.01), 1e-10);

        // chi2_9^{-1}(0.999) = 27.877164871256573: 0.01115 at 5,000 + 5,000 but 0.5575 at 100 + 100, so a fixed
        // 0.25 cut-off is noise-prone on small windows and blind to a PSI of 0.04 on large ones.
        Assert.Equal(0.011150865948502629, PopulationStabilityIndex.CriticalValue(10, 5000, 5000, 0.001), 1e-10);
        Assert.Equal(0.55754329742513147, PopulationStabilityIndex.CriticalValue(10, 100, 100, 0.001), 1e-9);
    }

    [Fact]
    public void P_value_from_the_scaled_chi_square()
    {
        // 0.228217 / (2/100) = 11.41087 against chi2_3: survival 0.0096994944896074556.
        Assert.Equal(0.0096994944896074556, PopulationStabilityIndex.PValue(0.22821740957339181, 4, 100, 100), 1e-12);

        // PSI 0.04 (about a 0.2 sd mean shift) on 5,000 + 5,000 over 10 bins: 100 against chi2_9.
        Assert.Equal(1.5735176303753944e-17, PopulationStabilityIndex.PValue(0.04, 10, 5000, 5000), 1e-27);
    }

    [Fact]
    public void Quantile_edges_split_a_sample_evenly_and_merge_ties()
    {
        var sorted = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        Assert.Equal([25.0, 50.0, 75.0], PopulationStabilityIndex.QuantileEdges(sorted, 4));
        Assert.Equal([25L, 25L, 25L, 25L], PopulationStabilityIndex.CountSorted(sorted, [25.0, 50.0, 75.0]));

        // Half zeros: the quartile edges 0, 0 collapse (an edge at the minimum would leave bin 0 empty).
        var discrete = Enumerable.Repeat(0.0, 50).Concat(Enumerable.Repeat(1.0, 25)).Concat(Enumerable.Repeat(2.0, 25)).ToArray();
        var edges = PopulationStabilityIndex.QuantileEdges(discrete, 4);
        Assert.Equal([1.0, 2.0], edges);
        Assert.Equal([50L, 25L, 25L], PopulationStabilityIndex.CountSorted(discrete, edges));
        Assert.Equal([50L, 25L, 25L], PopulationStabilityIndex.Count(discrete.Reverse().ToArray(), edges));
    }
}
