namespace RecEngine.Training.Evaluation;

/// <summary>
/// The margin of one model over another on the same users: the mean of the per-user differences and its standard
/// error s / sqrt(n) (a paired comparison, so the users' shared difficulty cancels). A margin within about two
/// standard errors of 0 is no evidence either way.
/// </summary>
internal sealed record PairedMargin(double Mean, double StandardError, int Users)
{
    /// <summary>The margin of <paramref name="model"/> over each baseline (most_popular, item_knn, retrieval_only) present in <paramref name="perUser"/>.</summary>
    public static Dictionary<string, PairedMargin> Against(string model, IReadOnlyDictionary<string, List<double>> perUser)
    {
        var result = new Dictionary<string, PairedMargin>(StringComparer.Ordinal);
        if (!perUser.TryGetValue(model, out var mine))
        {
            return result;
        }

        foreach (var baseline in new[] { "most_popular", "item_knn", "retrieval_only" })
        {
            if (perUser.TryGetValue(baseline, out var theirs) && theirs.Count == mine.Count && mine.Count > 1)
            {
                result[baseline] = Of(mine.Zip(theirs, (a, b) => a - b).ToList());
            }
        }

        return result;
    }

    /// <summary>The mean of the per-user <paramref name="differences"/> (at least two) and its standard error.</summary>
    public static PairedMargin Of(IReadOnlyList<double> differences)
    {
        if (differences.Count < 2)
        {
            throw new ArgumentException("A paired margin needs at least two users.", nameof(differences));
        }

        var mean = differences.Average();
        var variance = differences.Sum(x => (x - mean) * (x - mean)) / (differences.Count - 1);
        return new PairedMargin(mean, Math.Sqrt(variance / differences.Count), differences.Count);
    }
}
