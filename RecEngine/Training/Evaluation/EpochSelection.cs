using RecEngine.Ranking;

namespace RecEngine.Training.Evaluation;

/// <summary>The network's score for choosing its epoch count on validation examples.</summary>
public static class EpochSelection
{
    /// <summary>
    /// Mean NDCG@10 over users of their examples ordered by the network's expected watch time (its served order):
    /// each user's validation positives among their sampled pool negatives, so it is cheap enough to run per epoch.
    /// </summary>
    public static double SampledNdcgAt10(RankerExamples examples, IReadOnlyList<string> users, OnnxRanker network)
    {
        var p = new float[examples.Count];
        var t = new float[examples.Count];
        const int chunk = 1000;
        for (var start = 0; start < examples.Count; start += chunk)
        {
            var rows = Math.Min(chunk, examples.Count - start);
            network.Score(examples.Dense.AsSpan(start * examples.DenseFeatures, rows * examples.DenseFeatures), examples.Categorical.AsSpan(start * examples.Fields, rows * examples.Fields), rows,
                p.AsSpan(start, rows), t.AsSpan(start, rows));
        }

        var sum = 0.0;
        var count = 0;
        foreach (var rows in Enumerable.Range(0, examples.Count).GroupBy(i => users[i]))
        {
            var ranked = rows.OrderByDescending(i => t[i]).ThenBy(i => i).ToList();
            var relevant = rows.Where(i => examples.Watched[i] > 0.5f).ToHashSet();
            if (relevant.Count > 0)
            {
                sum += RankingMetrics.NdcgAtK(ranked, relevant, 10);
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }
}
