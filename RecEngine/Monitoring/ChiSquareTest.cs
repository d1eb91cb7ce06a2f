using MathNet.Numerics;

namespace RecEngine.Monitoring;

/// <summary>Result of a chi-square test of homogeneity.</summary>
internal readonly record struct ChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue);

/// <summary>
/// Pearson's chi-square test of homogeneity on the 2 x K table (reference counts, live counts) of a
/// categorical feature: X^2 = sum (O - E)^2 / E with E = row total * column total / grand total, and
/// K' - 1 degrees of freedom over the K' categories seen in either sample. A category absent from the
/// reference is just a column with a zero in the reference row (its expected count there is positive).
/// </summary>
internal static class ChiSquareTest
{
    public static ChiSquareResult Homogeneity(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> liveCounts)
    {
        if (referenceCounts.Length != liveCounts.Length)
        {
            throw new ArgumentException("Both count vectors need the same categories.");
        }

        double refTotal = 0, liveTotal = 0;
        var columns = 0;
        for (var k = 0; k < referenceCounts.Length; k++)
        {
            refTotal += referenceCounts[k];
            liveTotal += liveCounts[k];
            if (referenceCounts[k] + liveCounts[k] > 0)
            {
                columns++;
            }
        }

        if (refTotal <= 0 || liveTotal <= 0 || columns < 2)
        {
            return new ChiSquareResult(0, Math.Max(columns - 1, 0), 1.0);
        }

        var total = refTotal + liveTotal;
        var statistic = 0.0;
        for (var k = 0; k < referenceCounts.Length; k++)
        {
            double column = referenceCounts[k] + liveCounts[k];
            if (column == 0)
            {
                continue;
            }

            var expectedRef = refTotal * column / total;
            var expectedLive = liveTotal * column / total;
            var dr = referenceCounts[k] - expectedRef;
            var dl = liveCounts[k] - expectedLive;
            statistic += (dr * dr / expectedRef) + (dl * dl / expectedLive);
        }

        var df = columns - 1;
        return new ChiSquareResult(statistic, df, SpecialFunctions.GammaUpperRegularized(df / 2.0, statistic / 2.0));
    }
}
