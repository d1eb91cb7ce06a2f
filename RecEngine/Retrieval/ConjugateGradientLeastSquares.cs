using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>
/// The implicit-ALS row step by a few conjugate-gradient iterations warm-started from the row's previous factors
/// (Takács, Pilászy &amp; Tikk 2011, "Applications of the conjugate gradient method for implicit feedback
/// collaborative filtering", RecSys). It never forms the row's f x f system: A v = (YtY + lambda I) v +
/// sum_i (c_ui - 1)(y_i . v) y_i costs O(f^2 + f n_u) per product, against O(f^2 n_u + f^3) for building and
/// factoring A (<see cref="ImplicitLeastSquares"/>). Rows change little between alternations, so three steps
/// from the previous solution track the exact solve closely; at 1M videos this is what keeps ALS to minutes.
/// </summary>
internal static class ConjugateGradientLeastSquares
{
    /// <summary>YtY + lambda I in single precision, the matrix every row's product starts from.</summary>
    public static float[] RegularizedGramian(double[] gram, int f, double lambda)
    {
        var result = new float[f * f];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)gram[i];
        }

        for (var i = 0; i < f; i++)
        {
            result[(i * f) + i] += (float)lambda;
        }

        return result;
    }

    /// <summary>Residual, search direction and product vectors of one thread.</summary>
    public sealed class Workspace(int f)
    {
        public float[] Residual { get; } = new float[f];

        public float[] Direction { get; } = new float[f];

        public float[] Product { get; } = new float[f];
    }

    /// <summary>
    /// Moves <paramref name="x"/> (the row's current factors) towards the exact solution by at most
    /// <paramref name="steps"/> CG steps; an empty history gives the zero vector, as the exact solve does.
    /// </summary>
    public static void Solve(
        float[] regularizedGram, float[] fixedFactors, int f,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidences, Span<float> x, int steps, Workspace work)
    {
        if (columns.Length == 0)
        {
            x.Clear();
            return;
        }

        // r = b - A x with b = sum_i c_i y_i, in one pass over the history: r = -(G x) + sum_i (c_i - (c_i - 1) y_i.x) y_i.
        var r = work.Residual.AsSpan(0, f);
        GramTimes(regularizedGram, f, x, r);
        TensorPrimitives.Negate(r, r);
        for (var n = 0; n < columns.Length; n++)
        {
            var y = fixedFactors.AsSpan(columns[n] * f, f);
            var c = confidences[n];
            TensorPrimitives.MultiplyAdd(y, c - ((c - 1f) * TensorPrimitives.Dot(y, x)), r, r);
        }

        var p = work.Direction.AsSpan(0, f);
        var ap = work.Product.AsSpan(0, f);
        r.CopyTo(p);
        var rsOld = TensorPrimitives.Dot(r, r);
        for (var step = 0; step < steps && rsOld > 1e-20f; step++)
        {
            GramTimes(regularizedGram, f, p, ap);
            for (var n = 0; n < columns.Length; n++)
            {
                var y = fixedFactors.AsSpan(columns[n] * f, f);
                TensorPrimitives.MultiplyAdd(y, (confidences[n] - 1f) * TensorPrimitives.Dot(y, p), ap, ap);
            }

            var curvature = TensorPrimitives.Dot(p, ap);
            if (!(curvature > 0f))
            {
                return;
            }

            var alpha = rsOld / curvature;
            TensorPrimitives.MultiplyAdd(p, alpha, x, x);
            TensorPrimitives.MultiplyAdd(ap, -alpha, r, r);
            var rsNew = TensorPrimitives.Dot(r, r);
            TensorPrimitives.MultiplyAdd(p, rsNew / rsOld, r, p);
            rsOld = rsNew;
        }
    }

    private static void GramTimes(float[] gram, int f, ReadOnlySpan<float> v, Span<float> result)
    {
        for (var i = 0; i < f; i++)
        {
            result[i] = TensorPrimitives.Dot(gram.AsSpan(i * f, f), v);
        }
    }
}
