namespace RecEngine.Training;

/// <summary>Metrics of a binary scorer.</summary>
public static class BinaryMetrics
{
    /// <summary>
    /// Area under the ROC curve as the Mann-Whitney U statistic: the probability that a random positive
    /// outscores a random negative, ties counting one half (average ranks). 0.5 when a class is absent.
    /// </summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var order = Enumerable.Range(0, scores.Length).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        for (var i = 0; i < keys.Length;)
        {
            var j = i;
            while (j < keys.Length && keys[j] == keys[i])
            {
                j++;
            }

            var averageRank = (i + 1 + j) / 2.0;
            for (var k = i; k < j; k++)
            {
                if (labels[order[k]] > 0.5f)
                {
                    positives++;
                    rankSum += averageRank;
                }
            }

            i = j;
        }

        var negatives = scores.Length - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>Mean binary cross-entropy of probabilities, clipped away from 0 and 1.</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        var sum = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-7, 1 - 1e-7);
            sum -= labels[i] > 0.5f ? Math.Log(p) : Math.Log(1 - p);
        }

        return probabilities.Length == 0 ? 0 : sum / probabilities.Length;
    }
}
