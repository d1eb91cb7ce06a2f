namespace RecEngine.Tests.Training;

/// <summary>
/// Central finite differences, (L(w + eps) - L(w - eps)) / 2 eps, against an analytic gradient. The forward
/// passes run in float32, so the loss is summed in double and the comparison is the norm-wise relative error
/// ||g_num - g_ana|| / (||g_num|| + ||g_ana||): float32 rounding gives ~1e-4, a wrong gradient ~1.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Float32 forward passes put the relative error near 1e-4; a flipped sign or a missing term is O(0.1..1).</summary>
    public const double Tolerance = 1e-2;

    public static double RelativeError(float[] values, ReadOnlySpan<float> analytic, Func<double> loss, float eps = 1e-2f)
    {
        double diff = 0, numNorm = 0, anaNorm = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var saved = values[i];
            values[i] = saved + eps;
            var plus = loss();
            values[i] = saved - eps;
            var minus = loss();
            values[i] = saved;
            var numeric = (plus - minus) / (2.0 * eps);
            diff += (numeric - analytic[i]) * (numeric - analytic[i]);
            numNorm += numeric * numeric;
            anaNorm += (double)analytic[i] * analytic[i];
        }

        Assert.True(numNorm > 1e-12, "The numeric gradient is zero: the check would prove nothing.");
        return Math.Sqrt(diff) / (Math.Sqrt(numNorm) + Math.Sqrt(anaNorm));
    }

    public static void AssertClose(string what, float[] values, ReadOnlySpan<float> analytic, Func<double> loss, float eps = 1e-2f)
    {
        var error = RelativeError(values, analytic, loss, eps);
        Assert.True(error < Tolerance, $"{what}: relative error {error:E2} between analytic and numeric gradients (tolerance {Tolerance:E0}).");
    }

    public static float[] Random(Random random, int length, float scale = 1f)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }

        return values;
    }

    /// <summary>A fixed random projection r: L = sum r ⊙ y, so dL/dy = r reaches every output.</summary>
    public static double Project(ReadOnlySpan<float> y, ReadOnlySpan<float> r)
    {
        var sum = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            sum += (double)y[i] * r[i];
        }

        return sum;
    }
}
