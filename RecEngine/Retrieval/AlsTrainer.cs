using System.Diagnostics;
using RecEngine.Hosting;

namespace RecEngine.Retrieval;

/// <summary>
/// Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren &amp; Volinsky 2008,
/// "Collaborative Filtering for Implicit Feedback Datasets"). Each iteration solves every item with the
/// user factors fixed, then every user with the item factors fixed. Rows are improved by a few conjugate-gradient
/// steps from their previous value (<see cref="ConjugateGradientLeastSquares"/>), except the last user step, which
/// solves exactly, so the final user factors are what <see cref="AlsModel.FoldIn"/> computes from the final item
/// factors. Rows are solved in parallel; each row's solve depends only on the fixed side and its own previous
/// value, so the result is deterministic for a seed whatever the thread count.
/// </summary>
internal static class AlsTrainer
{
    /// <summary>Rows per unit of parallel work (and per progress report).</summary>
    private const int Chunk = 2048;

    public static AlsModel Train(
        IReadOnlyList<Interaction> interactions, int userCount, int itemCount, AlsOptions options,
        TrainingProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(userCount);
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        var f = options.Factors;
        var byUser = SparseRows.FromInteractions(interactions, userCount, itemCount, transpose: false);
        var byItem = SparseRows.FromInteractions(interactions, userCount, itemCount, transpose: true);

        var random = new Random(options.Seed);
        var scale = options.InitScale / Math.Sqrt(f);
        var users = new float[userCount * f];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = (float)(scale * ClusteredVectors.Gaussian(random));
        }

        var items = new float[itemCount * f];
        double[] itemGramian = new double[f * f];
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var label = $"iteration {iteration + 1}/{options.Iterations}";
            HalfStep(byItem, users, userCount, items, f, options, options.ConjugateGradientSteps, $"{label}, items", progress, cancellationToken);
            var last = iteration == options.Iterations - 1;
            itemGramian = HalfStep(byUser, items, itemCount, users, f, options, last ? 0 : options.ConjugateGradientSteps, $"{label}, users", progress, cancellationToken);
            progress?.Line($"ALS {label} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0}s");
        }

        return new AlsModel(userCount, itemCount, f, options.Regularization, users, items, itemGramian);
    }

    /// <summary>
    /// Solves every row of <paramref name="solved"/> with <paramref name="fixedFactors"/> held, by <paramref name="cgSteps"/>
    /// conjugate-gradient steps from the row's current value, or exactly when that is 0; returns the Gramian used.
    /// </summary>
    private static double[] HalfStep(
        SparseRows rows, float[] fixedFactors, int fixedCount, float[] solved, int f, AlsOptions options, int cgSteps,
        string label, TrainingProgress? progress, CancellationToken cancellationToken)
    {
        var gram = ImplicitLeastSquares.Gramian(fixedFactors, fixedCount, f, options.Threads);
        var regularized = cgSteps > 0 ? ConjugateGradientLeastSquares.RegularizedGramian(gram, f, options.Regularization) : null;
        var chunks = (rows.Count + Chunk - 1) / Chunk;
        var done = 0L;
        Parallel.For(
            0,
            chunks,
            new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken },
            () => (Exact: regularized is null ? new ImplicitLeastSquares.Workspace(f) : null, Iterative: regularized is null ? null : new ConjugateGradientLeastSquares.Workspace(f)),
            (chunk, _, work) =>
            {
                var end = Math.Min(rows.Count, (chunk + 1) * Chunk);
                for (var row = chunk * Chunk; row < end; row++)
                {
                    var result = solved.AsSpan(row * f, f);
                    if (regularized is null)
                    {
                        ImplicitLeastSquares.Solve(gram, fixedFactors, f, options.Regularization, rows.Columns(row), rows.Confidences(row), result, work.Exact!);
                    }
                    else
                    {
                        ConjugateGradientLeastSquares.Solve(regularized, fixedFactors, f, rows.Columns(row), rows.Confidences(row), result, cgSteps, work.Iterative!);
                    }
                }

                var total = Interlocked.Add(ref done, end - (chunk * Chunk));
                progress?.Report($"{label} {total:N0}/{rows.Count:N0}");
                return work;
            },
            _ => { });
        return gram;
    }
}
