namespace RecEngine.Training.Evaluation;

/// <summary>
/// Top-k metrics with binary relevance (Järvelin &amp; Kekäläinen 2002 for NDCG), and ROC AUC as the
/// Mann-Whitney U statistic with ties counted as one half.
/// </summary>
internal static class RankingMetrics
{
    public static double RecallAtK<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                hits++;
            }
        }

        return (double)hits / relevant.Count;
    }

    /// <summary>DCG = Σ rel_i / log2(i + 2) over the top k, divided by the DCG of a perfect ranking.</summary>
    public static double NdcgAtK<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var dcg = 0.0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                dcg += 1 / Math.Log2(i + 2);
            }
        }

        var ideal = 0.0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1 / Math.Log2(i + 2);
        }

        return dcg / ideal;
    }

    /// <summary>AP@k = Σ_{i&lt;k} P@(i+1) · rel_i / min(k, |relevant|).</summary>
    public static double AveragePrecisionAtK<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        if (relevant.Count == 0)
        {
            return 0;
        }

        var hits = 0;
        var sum = 0.0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                hits++;
                sum += (double)hits / (i + 1);
            }
        }

        return sum / Math.Min(k, relevant.Count);
    }

    /// <summary>P(score of a random positive &gt; score of a random negative), ties one half. NaN without both classes.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPositive = 0;
        long positives = 0;
        var r = 0;
        while (r < order.Length)
        {
            // Average rank over a run of tied scores.
            var end = r;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[r]])
            {
                end++;
            }

            var averageRank = ((r + end) / 2.0) + 1;
            for (var j = r; j <= end; j++)
            {
                if (labels[order[j]])
                {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }

            r = end + 1;
        }

        var negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSumPositive - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>Mean binary cross-entropy of probabilities, clipped away from 0 and 1.</summary>
    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        var sum = 0.0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-7, 1 - 1e-7);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / Math.Max(1, probabilities.Count);
    }
}
