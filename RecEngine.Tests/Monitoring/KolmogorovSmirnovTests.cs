using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

/// <summary>
/// Pinned values were computed outside this code: Q(x) by mpmath (nsum of the alternating series, 30
/// digits) and exact probabilities by counting lattice paths with Python big integers and Fractions
/// (not the normalised floating recursion used here). The tiny cases are enumerated by hand below.
/// </summary>
public class KolmogorovSmirnovTests
{
    [Theory]
    [InlineData(0.5, 0.96394524366487509)]
    [InlineData(1.0, 0.26999967167735452)]
    [InlineData(1.5, 0.022217962616525129)]
    [InlineData(0.3, 0.99999069419866543)]
    [InlineData(2.0, 0.00067092525577969535)]
    public void Kolmogorov_survival_matches_the_series(double x, double expected)
    {
        Assert.Equal(expected, KolmogorovSmirnov.KolmogorovSurvival(x), 1e-12);
    }

    [Fact]
    public void Kolmogorov_survival_is_continuous_where_the_two_forms_meet()
    {
        Assert.Equal(KolmogorovSmirnov.KolmogorovSurvival(1.18 - 1e-12), KolmogorovSmirnov.KolmogorovSurvival(1.18), 1e-12);
    }

    [Fact]
    public void Exact_cdf_of_D_100_100_at_0_1()
    {
        // P(D_{100,100} <= 0.1) = 0.41699093874599374 (exact path count / C(200,100)).
        Assert.Equal(0.41699, KolmogorovSmirnov.ExactCdf(0.1, 100, 100), 5);
        Assert.Equal(0.41699093874599374, KolmogorovSmirnov.ExactCdf(0.1, 100, 100), 1e-12);
    }

    [Fact]
    public void Exact_p_values_of_2_by_2_enumerated_by_hand()
    {
        // n = m = 2: C(4,2) = 6 equally likely orderings of x,x,y,y.
        //   xxyy: F_x - F_y after each step 1/2, 1, 1/2, 0 -> D = 1
        //   yyxx: -> D = 1
        //   xyxy, xyyx, yxxy, yxyx: the gap never exceeds 1/2 -> D = 1/2
        // So P(D >= 1) = 2/6 and P(D >= 1/2) = 1.
        Assert.Equal(1.0 / 3, KolmogorovSmirnov.PValue(1.0, 2, 2, KsPValueMethod.Exact), 1e-15);
        Assert.Equal(1.0, KolmogorovSmirnov.PValue(0.5, 2, 2, KsPValueMethod.Exact), 1e-15);
        Assert.Equal(2.0 / 3, KolmogorovSmirnov.ExactCdf(0.5, 2, 2), 1e-15);

        // Between lattice values: P(D >= 0.55) = P(D >= 1) and P(D <= 0.9) = P(D <= 1/2).
        Assert.Equal(1.0 / 3, KolmogorovSmirnov.PValue(0.55, 2, 2, KsPValueMethod.Exact), 1e-15);
        Assert.Equal(2.0 / 3, KolmogorovSmirnov.ExactCdf(0.9, 2, 2), 1e-15);
    }

    [Fact]
    public void Exact_p_values_of_3_by_2()
    {
        // n = 3, m = 2: C(5,2) = 10 orderings; only xxxyy and yyxxx reach D = 1, so P(D >= 1) = 2/10.
        // P(D >= 2/3) = 6/10 and P(D >= 1/2) = 9/10 (path count).
        Assert.Equal(0.2, KolmogorovSmirnov.PValue(1.0, 3, 2, KsPValueMethod.Exact), 1e-15);
        Assert.Equal(0.6, KolmogorovSmirnov.PValue(2.0 / 3, 3, 2, KsPValueMethod.Exact), 1e-15);
        Assert.Equal(0.9, KolmogorovSmirnov.PValue(0.5, 3, 2, KsPValueMethod.Exact), 1e-15);
    }

    [Theory]
    [InlineData(5, 7, 4.0 / 7, 47.0 / 198)]
    [InlineData(10, 10, 0.6, 15.0 / 286)]
    public void Exact_p_values_match_path_counts(int n, int m, double d, double expected)
    {
        Assert.Equal(expected, KolmogorovSmirnov.PValue(d, n, m, KsPValueMethod.Exact), 1e-13);
    }

    [Fact]
    public void Exact_cdf_with_unequal_sizes()
    {
        Assert.Equal(0.8176628795192205, KolmogorovSmirnov.ExactCdf(0.2, 50, 60), 1e-12);
    }

    [Fact]
    public void Statistic_of_disjoint_samples_is_one()
    {
        var r = KolmogorovSmirnov.Test([1, 2, 3], [4, 5]);
        Assert.Equal(1.0, r.Statistic);
        Assert.True(r.Exact);
        Assert.Equal(0.2, r.PValue, 1e-15);
    }

    [Fact]
    public void Statistic_steps_over_ties_in_both_samples()
    {
        // x = {1,1,2,2}, y = {1,1,2,2}: identical, so D = 0. Stepping one sample at a time would see 1/2.
        Assert.Equal(0.0, KolmogorovSmirnov.StatisticSorted([1, 1, 2, 2], [1, 1, 2, 2]));

        // x = {0,1,1,1}, y = {1,1,2,2}: F_x(0) = 1/4, F_y(0) = 0; F_x(1) = 1, F_y(1) = 1/2; F_x(2) = F_y(2) = 1.
        Assert.Equal(0.5, KolmogorovSmirnov.StatisticSorted([0, 1, 1, 1], [1, 1, 2, 2]));

        // x = {1,2,3}, y = {3,3}: F_x(2) = 2/3 and F_y(2) = 0, then both 1 at 3 -> D = 2/3.
        Assert.Equal(2.0 / 3, KolmogorovSmirnov.StatisticSorted([1, 2, 3], [3, 3]), 1e-15);
    }

    [Fact]
    public void Statistic_of_interleaved_samples()
    {
        // x = {1,3,5,7}, y = {2,4,6,8}: after each x the gap is 1/4, after each y it closes -> D = 1/4.
        Assert.Equal(0.25, KolmogorovSmirnov.StatisticSorted([1, 3, 5, 7], [2, 4, 6, 8]));
    }

    [Fact]
    public void Asymptotic_p_value_is_close_to_exact_at_moderate_size()
    {
        // With Stephens' correction the limit is within 0.03 (absolute) and 20% (relative) of the exact tail
        // at n = m = 100; the exact tail includes the lattice atom at d, so it is the larger one.
        foreach (var d in new[] { 0.12, 0.15, 0.2, 0.25 })
        {
            var exact = KolmogorovSmirnov.PValue(d, 100, 100, KsPValueMethod.Exact);
            var asymptotic = KolmogorovSmirnov.PValue(d, 100, 100, KsPValueMethod.Asymptotic);
            Assert.True(Math.Abs(exact - asymptotic) < 0.03 && Math.Abs(asymptotic / exact - 1) < 0.2, $"d={d}: exact {exact}, asymptotic {asymptotic}");
        }
    }

    [Fact]
    public void Auto_switches_to_asymptotic_above_the_exact_limit()
    {
        Assert.True(KolmogorovSmirnov.Test(new double[100], new double[100]).Exact);
        Assert.False(KolmogorovSmirnov.Test(new double[101], new double[100]).Exact);
    }
}
