namespace RecEngine.Training.Evaluation;

/// <summary>
/// The LambdaRank objective for one list with binary relevance (Burges 2010, "From RankNet to LambdaRank to
/// LambdaMART: An Overview", sections 4-5): the RankNet pairwise logistic cost
/// C_ij = log(1 + e^(-σ (s_i - s_j))) over every (relevant i, non-relevant j) pair, each weighted by |ΔNDCG_ij|,
/// the change in NDCG@k if i and j swapped places in the current order. The weights are read off the order the
/// scores give and held fixed for the step, so the gradient is λ_ij = -σ |ΔNDCG_ij| / (1 + e^(σ (s_i - s_j)))
/// on s_i and its negative on s_j (Burges' eq. 3 times |ΔNDCG|). Away from ties a small change of the scores does
/// not change the order, so this is the exact derivative of the weighted cost there, which the tests check by
/// finite differences.
/// </summary>
public static class LambdaRankLoss
{
    /// <summary>σ of the pairwise logistic cost.</summary>
    public const double Sigma = 1.0;

    /// <summary>
    /// Adds the list's gradient with respect to its scores to <paramref name="gradient"/> and returns the list's
    /// cost. <paramref name="truncation"/> is the k of NDCG@k (positions from k on discount to 0); 0 uses the whole
    /// list, which also moves relevant items that sit far below the top. A list without a relevant or without a
    /// non-relevant item costs 0.
    /// </summary>
    public static double Accumulate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> relevant, int truncation, Span<double> gradient)
    {
        var n = scores.Length;
        var positives = 0;
        foreach (var r in relevant)
        {
            positives += r ? 1 : 0;
        }

        if (positives == 0 || positives == n)
        {
            return 0;
        }

        var k = truncation <= 0 ? n : Math.Min(truncation, n);
        var idealDcg = 0.0;
        for (var r = 0; r < Math.Min(k, positives); r++)
        {
            idealDcg += Discount(r, k);
        }

        // Ranks in the current order, highest score first (the order among tied scores is arbitrary).
        var order = new int[n];
        var keys = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = -scores[i];
        }

        Array.Sort(keys, order);
        var rank = new int[n];
        for (var r = 0; r < n; r++)
        {
            rank[order[r]] = r;
        }

        var cost = 0.0;
        for (var i = 0; i < n; i++)
        {
            if (!relevant[i])
            {
                continue;
            }

            var di = Discount(rank[i], k);
            for (var j = 0; j < n; j++)
            {
                if (relevant[j])
                {
                    continue;
                }

                var delta = Math.Abs(di - Discount(rank[j], k)) / idealDcg;
                if (delta == 0)
                {
                    continue;
                }

                var diff = Sigma * (scores[i] - scores[j]);
                // log(1 + e^-x) and 1 / (1 + e^x), written to stay finite for large |x|.
                cost += delta * (diff > 0 ? double.LogP1(Math.Exp(-diff)) : -diff + double.LogP1(Math.Exp(diff)));
                var lambda = Sigma * delta / (1 + Math.Exp(diff));
                gradient[i] -= lambda;
                gradient[j] += lambda;
            }
        }

        return cost;
    }

    /// <summary>The NDCG discount 1 / log2(rank + 2) of a 0-based rank, 0 from <paramref name="k"/> on.</summary>
    private static double Discount(int rank, int k) => rank < k ? 1 / Math.Log2(rank + 2) : 0;
}
