using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace RecEngine.Monitoring;

/// <summary>
/// Population Stability Index PSI = sum_i (a_i - e_i) ln(a_i / e_i) over bins, with e the reference and a
/// the live fractions. Bins come from reference quantiles (<see cref="QuantileEdges"/>); a fraction of zero
/// is raised to epsilon so an empty bin gives a large but finite term.
/// <para>
/// Under no drift PSI is approximately (1/N + 1/M) chi-square with B-1 degrees of freedom (Yurdakul 2018,
/// "Statistical properties of population stability index", Western Michigan University), which gives
/// a critical value and a p-value that account for the sample sizes: the fixed cut-offs 0.1 / 0.25 alone
/// over-alarm on small windows and miss real shifts on large ones.
/// </para>
/// </summary>
internal static class PopulationStabilityIndex
{
    /// <summary>The conventional fixed bands: PSI &gt;= 0.1 is a moderate shift, &gt;= 0.25 a major one.</summary>
    public const double WarnThreshold = 0.1;

    public const double DriftThreshold = 0.25;

    public const double DefaultEpsilon = 1e-4;

    /// <summary>PSI of two count vectors over the same bins.</summary>
    public static double Compute(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> liveCounts, double epsilon = DefaultEpsilon)
    {
        if (referenceCounts.Length != liveCounts.Length)
        {
            throw new ArgumentException("Both count vectors need the same bins.");
        }

        double refTotal = Sum(referenceCounts), liveTotal = Sum(liveCounts);
        if (refTotal <= 0 || liveTotal <= 0)
        {
            throw new ArgumentException("Both count vectors need at least one observation.");
        }

        var psi = 0.0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            var e = Math.Max(referenceCounts[i] / refTotal, epsilon);
            var a = Math.Max(liveCounts[i] / liveTotal, epsilon);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// The value PSI exceeds with probability alpha under no drift: (1/N + 1/M) * chi2_{B-1}^{-1}(1 - alpha).
    /// </summary>
    public static double CriticalValue(int bins, long referenceCount, long liveCount, double alpha)
    {
        if (bins < 2)
        {
            return double.PositiveInfinity;
        }

        return Scale(referenceCount, liveCount) * ChiSquared.InvCDF(bins - 1, 1 - alpha);
    }

    /// <summary>P(PSI' &gt;= psi) under no drift, from the scaled chi-square approximation.</summary>
    public static double PValue(double psi, int bins, long referenceCount, long liveCount)
    {
        if (bins < 2 || psi <= 0)
        {
            return 1.0;
        }

        // Upper regularized gamma Q(k/2, x/2) is the chi-square survival without the cancellation of 1 - CDF.
        return SpecialFunctions.GammaUpperRegularized((bins - 1) / 2.0, psi / Scale(referenceCount, liveCount) / 2.0);
    }

    /// <summary>
    /// Interior cut points at the reference quantiles k/B (k = 1..B-1) of an ascending sample, duplicates
    /// removed (a discrete feature gets fewer, wider bins). Bin i holds x with edge[i-1] &lt;= x &lt; edge[i].
    /// </summary>
    public static double[] QuantileEdges(ReadOnlySpan<double> sortedReference, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var edges = new List<double>(bins - 1);
        var n = sortedReference.Length;
        if (n == 0)
        {
            return [];
        }

        for (var k = 1; k < bins; k++)
        {
            var edge = sortedReference[(int)((long)k * n / bins)];
            // An edge at the minimum would leave bin 0 empty by construction.
            if (edge > sortedReference[0] && (edges.Count == 0 || edge > edges[^1]))
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }

    /// <summary>Counts of an ascending sample per bin of <paramref name="edges"/> (edges.Length + 1 bins).</summary>
    public static long[] CountSorted(ReadOnlySpan<double> sorted, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length + 1];
        var start = 0;
        for (var b = 0; b < edges.Length; b++)
        {
            // First index with value >= edge: everything before it (and after start) is in bin b.
            var end = LowerBound(sorted, start, edges[b]);
            counts[b] = end - start;
            start = end;
        }

        counts[^1] = sorted.Length - start;
        return counts;
    }

    /// <summary>Counts of a sample in any order per bin of <paramref name="edges"/>.</summary>
    public static long[] Count(ReadOnlySpan<double> values, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length + 1];
        foreach (var v in values)
        {
            counts[UpperBound(edges, v)]++;
        }

        return counts;
    }

    private static double Scale(long referenceCount, long liveCount) => (1.0 / referenceCount) + (1.0 / liveCount);

    private static double Sum(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        return total;
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, int from, double value)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Number of edges &lt;= value, i.e. the bin of value.</summary>
    private static int UpperBound(ReadOnlySpan<double> edges, double value)
    {
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (edges[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
