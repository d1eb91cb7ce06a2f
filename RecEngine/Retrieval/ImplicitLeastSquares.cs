using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace RecEngine.Retrieval;

/// <summary>
/// The one least-squares step of implicit ALS, shared by training and fold-in. For a row u with observed
/// columns i (confidence c_ui, preference 1) and fixed factors Y (Hu, Koren &amp; Volinsky 2008, eq. 4):
///   x_u = (YtY + Yt (C_u - I) Y + lambda I)^-1 Yt C_u p_u.
/// YtY is computed once per half-step (the paper's speed-up); the per-row correction touches only the
/// observed columns, so a row costs O(f^2 n_u + f^3). The f x f system is symmetric positive definite and
/// is solved by Cholesky (MathNet.Numerics).
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

    /// <summary>Workspace of one thread: the f x f system, its right-hand side and a row buffer.</summary>
    public sealed class Workspace
    {
        public Workspace(int f)
        {
            System = new double[f * f];

            // Symmetric, so the row-major array is also the column-major storage MathNet expects.
            A = Matrix<double>.Build.Dense(f, f, System);
            B = Vector<double>.Build.Dense(f);
            X = Vector<double>.Build.Dense(f);
            Row = new double[f];
        }

        public double[] System { get; }

        public Matrix<double> A { get; }

        public Vector<double> B { get; }

        public Vector<double> X { get; }

        public double[] Row { get; }
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
        b.Clear();
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

        work.A.Cholesky().Solve(b, work.X);
        for (var k = 0; k < f; k++)
        {
            result[k] = (float)work.X[k];
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
