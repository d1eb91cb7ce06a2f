using RecEngine.Monitoring;

namespace RecEngine.Tests.Monitoring;

/// <summary>Worked by hand; p-values from mpmath's regularized incomplete gamma (30 digits).</summary>
public class ChiSquareTestTests
{
    [Fact]
    public void Two_by_two_worked_by_hand()
    {
        // ref (30, 70), live (50, 50): column totals 80, 120, rows 100 each, so E = 40, 60 in both rows.
        // X^2 = 2 (10^2/40) + 2 (10^2/60) = 5 + 3.3333 = 8.3333, df = 1, p = 0.0038924171227786295.
        var r = ChiSquareTest.Homogeneity([30, 70], [50, 50]);
        Assert.Equal(25.0 / 3, r.Statistic, 1e-12);
        Assert.Equal(1, r.DegreesOfFreedom);
        Assert.Equal(0.0038924171227786295, r.PValue, 1e-14);
    }

    [Fact]
    public void Category_unseen_in_reference_is_a_column_with_a_zero()
    {
        // ref (50, 50, 0), live (40, 40, 20): E = 45, 45, 10 in each row.
        // X^2 = 4 (5^2/45) + 2 (10^2/10) = 2.2222 + 20 = 22.2222, df = 2, p = exp(-X^2/2) = 1.4945338524781446e-5.
        var r = ChiSquareTest.Homogeneity([50, 50, 0], [40, 40, 20]);
        Assert.Equal(200.0 / 9, r.Statistic, 1e-12);
        Assert.Equal(2, r.DegreesOfFreedom);
        Assert.Equal(1.4945338524781446e-5, r.PValue, 1e-15);
    }

    [Fact]
    public void Three_categories_worked_by_hand()
    {
        // ref (20, 30, 50), live (30, 30, 40): E = 25, 30, 45 in both rows.
        // X^2 = 2 (25/25) + 0 + 2 (25/45) = 3.1111, df = 2, p = exp(-1.5556) = 0.21107208779109020.
        var r = ChiSquareTest.Homogeneity([20, 30, 50], [30, 30, 40]);
        Assert.Equal(28.0 / 9, r.Statistic, 1e-12);
        Assert.Equal(0.2110720877910902, r.PValue, 1e-14);
    }

    [Fact]
    public void Categories_empty_in_both_do_not_count_as_degrees_of_freedom()
    {
        var r = ChiSquareTest.Homogeneity([30, 0, 70], [50, 0, 50]);
        Assert.Equal(1, r.DegreesOfFreedom);
        Assert.Equal(25.0 / 3, r.Statistic, 1e-12);
    }

    [Fact]
    public void One_category_has_nothing_to_test()
    {
        var r = ChiSquareTest.Homogeneity([10, 0], [20, 0]);
        Assert.Equal(1.0, r.PValue);
    }
}
