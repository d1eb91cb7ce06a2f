namespace RecEngine.Monitoring;

/// <summary>How p-values are adjusted across the features of one check.</summary>
public enum MultipleTestingCorrection
{
    /// <summary>Benjamini–Hochberg (1995): controls the false discovery rate; the family-wise rate under the global null.</summary>
    BenjaminiHochberg,

    /// <summary>Bonferroni: controls the family-wise error rate under any dependence; more conservative.</summary>
    Bonferroni,

    None,
}

/// <summary>Adjusted p-values: a hypothesis is rejected at level alpha when its adjusted p-value is &lt;= alpha.</summary>
internal static class MultipleTesting
{
    public static double[] Adjust(ReadOnlySpan<double> pValues, MultipleTestingCorrection method) => method switch
    {
        MultipleTestingCorrection.BenjaminiHochberg => BenjaminiHochberg(pValues),
        MultipleTestingCorrection.Bonferroni => Bonferroni(pValues),
        MultipleTestingCorrection.None => pValues.ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>min(1, m p).</summary>
    public static double[] Bonferroni(ReadOnlySpan<double> pValues)
    {
        var m = pValues.Length;
        var adjusted = new double[m];
        for (var i = 0; i < m; i++)
        {
            adjusted[i] = Math.Min(1.0, pValues[i] * m);
        }

        return adjusted;
    }

    /// <summary>
    /// Benjamini–Hochberg step-up: with p_(1) &lt;= ... &lt;= p_(m), the adjusted p_(i) = min_{j &gt;= i} min(1, m p_(j) / j)
    /// (Benjamini &amp; Hochberg 1995, "Controlling the false discovery rate").
    /// </summary>
    public static double[] BenjaminiHochberg(ReadOnlySpan<double> pValues)
    {
        var m = pValues.Length;
        var order = new int[m];
        for (var i = 0; i < m; i++)
        {
            order[i] = i;
        }

        var keys = pValues.ToArray();
        Array.Sort(keys, order);
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            running = Math.Min(running, keys[rank - 1] * m / rank);
            adjusted[order[rank - 1]] = running;
        }

        return adjusted;
    }
}
