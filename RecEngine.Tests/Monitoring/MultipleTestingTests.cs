using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

public class MultipleTestingTests
{
    [Fact]
    public void Benjamini_Hochberg_worked_by_hand()
    {
        // Sorted: 0.005 (1), 0.01 (2), 0.03 (3), 0.04 (4); m p / rank = 0.02, 0.02, 0.04, 0.04;
        // running minimum from the top leaves them as they are.
        var adjusted = MultipleTesting.BenjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.02, 0.04, 0.04, 0.02], adjusted.Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Benjamini_Hochberg_takes_the_running_minimum()
    {
        // Sorted: 0.01, 0.02, 0.021; 3p/rank = 0.03, 0.03, 0.021 -> running min from the top: 0.021 for all.
        var adjusted = MultipleTesting.BenjaminiHochberg([0.021, 0.01, 0.02]);
        Assert.Equal([0.021, 0.021, 0.021], adjusted.Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Benjamini_Hochberg_keeps_ties_equal()
    {
        // Sorted: 0.6, 0.6, 0.9; 3p/rank = 1.8, 0.9, 0.9 -> running min from the top: 0.9 for all.
        var adjusted = MultipleTesting.BenjaminiHochberg([0.9, 0.6, 0.6]);
        Assert.Equal([0.9, 0.9, 0.9], adjusted.Select(p => Math.Round(p, 12)));

        // 2 * 0.8 / 1 = 1.6 is pulled down to the largest p, 0.99.
        Assert.Equal([0.99, 0.99], MultipleTesting.BenjaminiHochberg([0.8, 0.99]).Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Bonferroni_multiplies_by_m_and_caps_at_one()
    {
        Assert.Equal([0.04, 0.16, 1.0, 1.0], MultipleTesting.Bonferroni([0.01, 0.04, 0.3, 0.5]).Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void Bonferroni_is_never_below_Benjamini_Hochberg()
    {
        double[] p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216];
        var bh = MultipleTesting.Adjust(p, MultipleTestingCorrection.BenjaminiHochberg);
        var bonferroni = MultipleTesting.Adjust(p, MultipleTestingCorrection.Bonferroni);
        for (var i = 0; i < p.Length; i++)
        {
            Assert.True(bonferroni[i] >= bh[i]);
        }

        // Rank 1: 10 * 0.001 / 1 = 0.01; rank 2: 10 * 0.008 / 2 = 0.04.
        Assert.Equal(0.01, bh[0], 1e-12);
        Assert.Equal(0.04, bh[1], 1e-12);
    }
}
