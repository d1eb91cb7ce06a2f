namespace RecEngine.Retrieval;

/// <summary>
/// Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren &amp; Volinsky 2008,
/// "Collaborative Filtering for Implicit Feedback Datasets"). Each iteration solves every item with the
/// user factors fixed, then every user with the item factors fixed, so the final user factors are exact
/// solves against the final item factors (what <see cref="AlsModel.FoldIn"/> computes). Rows are solved in
/// parallel; each row's solve depends only on the fixed side, so the result is deterministic for a seed
/// whatever the thread count.
/// </summary>
public static class AlsTrainer
{
    public static AlsModel Train(IReadOnlyList<Interaction> interactions, int userCount, int itemCount, AlsOptions options, CancellationToken cancellationToken = default)
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
            HalfStep(byItem, users, userCount, items, f, options, cancellationToken);
            itemGramian = HalfStep(byUser, items, itemCount, users, f, options, cancellationToken);
        }

        return new AlsModel(userCount, itemCount, f, options.Regularization, users, items, itemGramian);
    }

    /// <summary>Solves every row of <paramref name="solved"/> with <paramref name="fixedFactors"/> held; returns the Gramian used.</summary>
    private static double[] HalfStep(SparseRows rows, float[] fixedFactors, int fixedCount, float[] solved, int f, AlsOptions options, CancellationToken cancellationToken)
    {
        var gram = ImplicitLeastSquares.Gramian(fixedFactors, fixedCount, f, options.Threads);
        Parallel.For(
            0,
            rows.Count,
            new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken },
            () => new ImplicitLeastSquares.Workspace(f),
            (row, _, work) =>
            {
                ImplicitLeastSquares.Solve(gram, fixedFactors, f, options.Regularization, rows.Columns(row), rows.Confidences(row), solved.AsSpan(row * f, f), work);
                return work;
            },
            _ => { });
        return gram;
    }
}
