namespace RecEngine.Monitoring;

/// <summary>How a two-sample Kolmogorov–Smirnov p-value is computed.</summary>
internal enum KsPValueMethod
{
    /// <summary>Exact when <c>n * m</c> is at most <see cref="KolmogorovSmirnov.ExactMaxProduct"/>, asymptotic otherwise.</summary>
    Auto,
    Exact,
    Asymptotic,
}

/// <summary>Result of a two-sample Kolmogorov–Smirnov test.</summary>
internal readonly record struct KsResult(double Statistic, double PValue, bool Exact);

/// <summary>
/// Two-sample Kolmogorov–Smirnov test. D = sup_x |F_n(x) - G_m(x)| over the empirical CDFs.
/// Exact p-values count monotone lattice paths (Hodges 1958, "The significance probability of the Smirnov
/// two-sample test"; Kim &amp; Jennrich 1973); large samples use Kolmogorov's limiting distribution with the
/// effective size n*m/(n+m) and Stephens' (1970) finite-sample correction.
/// </summary>
internal static class KolmogorovSmirnov
{
    /// <summary>Largest n*m for which <see cref="KsPValueMethod.Auto"/> takes the exact distribution.</summary>
    public const long ExactMaxProduct = 10_000;

    /// <summary>The test on two samples in any order (they are copied and sorted).</summary>
    public static KsResult Test(ReadOnlySpan<double> a, ReadOnlySpan<double> b, KsPValueMethod method = KsPValueMethod.Auto)
    {
        var x = a.ToArray();
        var y = b.ToArray();
        Array.Sort(x);
        Array.Sort(y);
        var d = StatisticSorted(x, y);
        return new KsResult(d, PValue(d, x.Length, y.Length, method, out var exact), exact);
    }

    /// <summary>
    /// D of two ascending samples in O(n + m). Equal values are stepped over together in both samples
    /// before the CDFs are compared, so ties (discrete features) give the right supremum.
    /// </summary>
    public static double StatisticSorted(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, m = y.Length;
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        // Compare on the integer scale |i*m - j*n| so D is exactly k/(n*m) and the exact p-value sees
        // the same lattice value.
        long best = 0;
        int i = 0, j = 0;
        while (i < n && j < m)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < n && x[i] == v)
            {
                i++;
            }

            while (j < m && y[j] == v)
            {
                j++;
            }

            var diff = Math.Abs(((long)i * m) - ((long)j * n));
            if (diff > best)
            {
                best = diff;
            }
        }

        // One sample ran out: its CDF is 1 and the other only climbs towards 1 from here, so the gap can
        // only shrink and the supremum is already seen.
        return (double)best / ((double)n * m);
    }

    /// <summary>P(D_{n,m} &gt;= d) under H0 (both samples from one continuous distribution).</summary>
    public static double PValue(double d, int n, int m, KsPValueMethod method = KsPValueMethod.Auto) =>
        PValue(d, n, m, method, out _);

    private static double PValue(double d, int n, int m, KsPValueMethod method, out bool exact)
    {
        exact = method == KsPValueMethod.Exact || (method == KsPValueMethod.Auto && (long)n * m <= ExactMaxProduct);
        if (d <= 0)
        {
            return 1.0;
        }

        if (exact)
        {
            // P(D >= d) = 1 - P(D < d); on the lattice D = k/(n*m), so D < d means k <= ceil(d*n*m) - 1.
            // The slack keeps a lattice d that lands a rounding error above its integer on that integer.
            var k = (long)Math.Ceiling((d * n * m) - 1e-7);
            return Math.Clamp(1.0 - ExactCdfLattice(n, m, k - 1), 0.0, 1.0);
        }

        var ne = (double)n * m / (n + m);
        var sqrtNe = Math.Sqrt(ne);
        return KolmogorovSurvival((sqrtNe + 0.12 + (0.11 / sqrtNe)) * d);
    }

    /// <summary>Exact P(D_{n,m} &lt;= d) under H0.</summary>
    public static double ExactCdf(double d, int n, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        if (d < 0)
        {
            return 0.0;
        }

        // The small slack absorbs d*n*m landing a rounding error below an integer (0.1 * 100 * 100).
        var k = (long)Math.Floor((d * n * m) + 1e-7);
        return ExactCdfLattice(n, m, k);
    }

    /// <summary>
    /// Fraction of the C(n+m, n) equally likely paths from (0,0) to (n,m) that keep |i*m - j*n| &lt;= k at
    /// every point. Each cell holds count(i,j) / C(i+j, i), which obeys
    /// w(i,j) = i/(i+j) w(i-1,j) + j/(i+j) w(i,j-1) and stays in [0, 1] (no overflow of path counts).
    /// </summary>
    private static double ExactCdfLattice(int n, int m, long k)
    {
        if (k < 0)
        {
            return 0.0;
        }

        var w = new double[m + 1];
        w[0] = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j] = (long)j * n <= k ? w[j - 1] : 0.0;
        }

        for (var i = 1; i <= n; i++)
        {
            var inside0 = (long)i * m <= k;
            w[0] = inside0 ? w[0] : 0.0;
            for (var j = 1; j <= m; j++)
            {
                if (Math.Abs(((long)i * m) - ((long)j * n)) > k)
                {
                    w[j] = 0.0;
                }
                else
                {
                    double total = i + j;
                    w[j] = (i / total * w[j]) + (j / total * w[j - 1]);
                }
            }
        }

        return w[m];
    }

    /// <summary>
    /// Kolmogorov's limiting survival function Q(x) = P(K &gt; x) = 2 sum_{k&gt;=1} (-1)^{k-1} exp(-2 k^2 x^2).
    /// Below x = 1.18 the alternating series converges slowly, so the Jacobi theta form
    /// P(K &lt;= x) = sqrt(2 pi)/x sum_{k&gt;=1} exp(-(2k-1)^2 pi^2 / (8 x^2)) is used there.
    /// </summary>
    public static double KolmogorovSurvival(double x)
    {
        if (x <= 0)
        {
            return 1.0;
        }

        if (x < 1.18)
        {
            var c = -Math.PI * Math.PI / (8 * x * x);
            var sum = 0.0;
            for (var k = 1; k <= 20; k++)
            {
                var odd = (2 * k) - 1;
                var term = Math.Exp(c * odd * odd);
                sum += term;
                if (term < 1e-17 * sum)
                {
                    break;
                }
            }

            return Math.Clamp(1.0 - (Math.Sqrt(2 * Math.PI) / x * sum), 0.0, 1.0);
        }

        var q = 0.0;
        var sign = 1.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2.0 * k * k * x * x);
            q += sign * term;
            if (term < 1e-17)
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2 * q, 0.0, 1.0);
    }
}
