using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>
/// The exact least-squares step of implicit ALS, shared by training's last user step and fold-in. For a row u
/// with observed columns i (confidence c_ui, preference 1) and fixed factors Y (Hu, Koren &amp; Volinsky 2008, eq. 4):
///   x_u = (YtY + Yt (C_u - I) Y + lambda I)^-1 Yt C_u p_u.
/// YtY is computed once per half-step (the paper's speed-up); the per-row correction touches only the
/// observed columns, so a row costs O(f^2 n_u + f^3). The f x f system is symmetric positive definite and
/// is solved by an in-place Cholesky factorisation that allocates nothing (a library factorisation allocated
/// two f x f matrices per row: gigabytes per half-step at 1M videos). Most training rows use the cheaper
/// <see cref="ConjugateGradientLeastSquares"/> instead.
/// </summary>
internal static class ImplicitLeastSquares
{
    /// <summary>YtY (f x f, row-major, in double) of the row-major <paramref name="factors"/>, summed in fixed-size chunks so the result does not depend on scheduling.</summary>
    public static double[] Gramian(float[] factors, int rows, int f, int threads)
    {
        const int chunk = 4096;
        var chunks = (rows + chunk - 1) / chunk;
        var partials = new double[chunks][];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            var gram = new double[f * f];
            var row = new double[f];
            for (var r = c * chunk; r < Math.Min(rows, (c + 1) * chunk); r++)
            {
                AddOuter(gram, factors.AsSpan(r * f, f), 1.0, row);
            }

            partials[c] = gram;
        });

        var total = new double[f * f];
        foreach (var partial in partials)
        {
            TensorPrimitives.Add(total, partial, total);
        }

        return total;
    }

    /// <summary>Workspace of one thread: the f x f system (factored in place), its right-hand side and a row buffer.</summary>
    public sealed class Workspace(int f)
    {
        public double[] System { get; } = new double[f * f];

        public double[] B { get; } = new double[f];

        public double[] Row { get; } = new double[f];
    }

    /// <summary>Solves one row into <paramref name="result"/>; an empty history gives the zero vector.</summary>
    public static void Solve(
        double[] gram, float[] fixedFactors, int f, double lambda,
        ReadOnlySpan<int> columns, ReadOnlySpan<float> confidences, Span<float> result, Workspace work)
    {
        if (columns.Length == 0)
        {
            result.Clear();
            return;
        }

        var a = work.System;
        gram.CopyTo(a, 0);
        var b = work.B;
        Array.Clear(b);
        for (var n = 0; n < columns.Length; n++)
        {
            var y = fixedFactors.AsSpan(columns[n] * f, f);
            var c = (double)confidences[n];
            AddOuter(a, y, c - 1.0, work.Row);
            for (var k = 0; k < f; k++)
            {
                b[k] += c * y[k];
            }
        }

        for (var i = 0; i < f; i++)
        {
            a[(i * f) + i] += lambda;
        }

        CholeskyFactor(a, f);
        CholeskySolve(a, f, b);
        for (var k = 0; k < f; k++)
        {
            result[k] = (float)b[k];
        }
    }

    /// <summary>
    /// Overwrites the lower triangle of the symmetric positive definite row-major <paramref name="a"/> with L, A = L Lt
    /// (Cholesky-Banachiewicz, row by row: each entry is a dot product of two contiguous row prefixes, so it vectorises).
    /// </summary>
    internal static void CholeskyFactor(double[] a, int f)
    {
        for (var i = 0; i < f; i++)
        {
            var rowI = a.AsSpan(i * f, f);
            for (var j = 0; j < i; j++)
            {
                var rowJ = a.AsSpan(j * f, f);
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], rowJ[..j])) / rowJ[j];
            }

            var diagonal = rowI[i] - TensorPrimitives.Dot(rowI[..i], rowI[..i]);
            if (!(diagonal > 0.0))
            {
                throw new InvalidOperationException("The ALS system is not positive definite (is the regularization > 0?).");
            }

            rowI[i] = Math.Sqrt(diagonal);
        }
    }

    /// <summary>Solves L Lt x = b in place in <paramref name="b"/>, L from <see cref="CholeskyFactor"/>.</summary>
    internal static void CholeskySolve(double[] l, int f, double[] b)
    {
        for (var i = 0; i < f; i++)
        {
            var row = l.AsSpan(i * f, i);
            b[i] = (b[i] - TensorPrimitives.Dot(row, b.AsSpan(0, i))) / l[(i * f) + i];
        }

        for (var i = f - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var k = i + 1; k < f; k++)
            {
                sum -= l[(k * f) + i] * b[k];
            }

            b[i] = sum / l[(i * f) + i];
        }
    }

    /// <summary>a += w * y y^T (row-major f x f), one SIMD multiply-add per row.</summary>
    private static void AddOuter(double[] a, ReadOnlySpan<float> y, double w, double[] row)
    {
        var f = y.Length;
        for (var k = 0; k < f; k++)
        {
            row[k] = y[k];
        }

        for (var i = 0; i < f; i++)
        {
            var target = a.AsSpan(i * f, f);
            TensorPrimitives.MultiplyAdd(row, w * row[i], target, target);
        }
    }
}
