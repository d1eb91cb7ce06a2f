namespace RecEngine.Training.Evaluation;

/// <summary>
/// Top-k metrics with binary relevance, NDCG also with graded gains (Järvelin &amp; Kekäläinen 2002), and ROC AUC as
/// the Mann-Whitney U statistic with ties counted as one half, also with weighted positives.
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

    /// <summary>
    /// A watch's gain in the watch-time metrics: its seconds, at least one, so a history that records no seconds weighs
    /// every watch alike.
    /// </summary>
    public static double WatchGain(double watchSeconds) => Math.Max(watchSeconds, 1);

    /// <summary>
    /// Graded NDCG (Järvelin &amp; Kekäläinen 2002, linear gains): DCG = Σ gain_i / log2(i + 2) over the top k, divided by
    /// the DCG of the gains sorted best first. With watch seconds as gains it rewards putting what was watched longest
    /// first; with equal gains it is the binary NDCG. 0 when no gain is positive.
    /// </summary>
    public static double NdcgAtK<T>(IReadOnlyList<T> ranked, IReadOnlyDictionary<T, double> gains, int k)
    {
        var ideal = 0.0;
        var i = 0;
        foreach (var gain in gains.Values.Where(g => g > 0).OrderDescending().Take(k))
        {
            ideal += gain / Math.Log2(i++ + 2);
        }

        if (ideal <= 0)
        {
            return 0;
        }

        var dcg = 0.0;
        for (i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            if (gains.TryGetValue(ranked[i], out var gain) && gain > 0)
            {
                dcg += gain / Math.Log2(i + 2);
            }
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
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels) =>
        Auc(scores, labels, [.. Enumerable.Repeat(1.0, scores.Count)]);

    /// <summary>
    /// AUC with weighted positives: Σ_p w_p · P(score of a random negative &lt; score of p, ties one half) / Σ_p w_p, the
    /// probability that a positive drawn in proportion to its weight outranks a random negative. With watch seconds as
    /// weights, a long watch that the order puts low costs more than a short one. NaN without a positive weight or a
    /// negative; labels[i] false ignores weights[i].
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<double> positiveWeights)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var negatives = labels.Count(l => !l);
        double weighted = 0, total = 0;
        long below = 0;
        var r = 0;
        while (r < order.Length)
        {
            var end = r;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[r]])
            {
                end++;
            }

            long tiedNegatives = 0;
            for (var j = r; j <= end; j++)
            {
                tiedNegatives += labels[order[j]] ? 0 : 1;
            }

            for (var j = r; j <= end; j++)
            {
                var w = positiveWeights[order[j]];
                if (labels[order[j]] && w > 0)
                {
                    weighted += w * (below + (tiedNegatives / 2.0));
                    total += w;
                }
            }

            below += tiedNegatives;
            r = end + 1;
        }

        return total <= 0 || negatives == 0 ? double.NaN : weighted / total / negatives;
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
