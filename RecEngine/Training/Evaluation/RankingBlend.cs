namespace RecEngine.Training.Evaluation;

/// <summary>One user's candidate list for the blend: <see cref="BlendFeatures.Count"/> values per candidate, row-major, standardised within the list.</summary>
public sealed record BlendList(int[] Ids, double[] Features, bool[] Relevant);

/// <summary>
/// The ranker's last stage on imported data: a linear score over <see cref="BlendFeatures"/> (the network's
/// outputs and the baselines' signals), with weights learned by LambdaRank (<see cref="LambdaRankLoss"/>) on
/// validation lists, never set by hand. Stacking in the sense of Wolpert 1992 ("Stacked generalization"): the
/// level-1 model is fitted on lists whose labels the level-0 network never trained on. Features are standardised
/// within each list (query-level normalisation, as in the LETOR benchmarks), so a score shift shared by a whole
/// list, such as counts over a longer training split, does not move the blend.
/// </summary>
public sealed class RankingBlend
{
    private RankingBlend(double[] weights, int truncation, double l2)
    {
        Weights = weights;
        Truncation = truncation;
        L2 = l2;
    }

    /// <summary>One weight per <see cref="BlendFeatures.Names"/> entry.</summary>
    public double[] Weights { get; }

    /// <summary>The k of the NDCG@k that weighed the pairs in training (0: the whole list).</summary>
    public int Truncation { get; }

    /// <summary>The L2 penalty on the weights' distance from the starting point (the best single feature) in training.</summary>
    public double L2 { get; }

    public double Score(ReadOnlySpan<double> row)
    {
        var s = 0.0;
        for (var f = 0; f < Weights.Length; f++)
        {
            s += Weights[f] * row[f];
        }

        return s;
    }

    /// <summary>The scores of every candidate of a list.</summary>
    public double[] Scores(BlendList list)
    {
        var width = Weights.Length;
        var scores = new double[list.Ids.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = Score(list.Features.AsSpan(i * width, width));
        }

        return scores;
    }

    /// <summary>The list's candidates, best first.</summary>
    public List<int> Order(BlendList list, int take)
    {
        var scores = Scores(list);
        return [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => list.Ids[i]).Take(take).Select(i => list.Ids[i])];
    }

    /// <summary>
    /// Fits the weights by full-batch Adam (Kingma &amp; Ba 2015) on the mean LambdaRank cost of the lists plus
    /// <paramref name="l2"/> |w - w0|^2, where w0 puts weight 1 on the single feature that orders the lists best on
    /// its own: the search starts at the best baseline in the blend's reach, and the penalty shrinks toward it
    /// rather than toward all-zero weights (which rank at random), so a large <paramref name="l2"/> keeps that baseline.
    /// </summary>
    public static RankingBlend Fit(IReadOnlyList<BlendList> lists, int width, int truncation, double l2, int iterations = 200, double learningRate = 0.05)
    {
        var w = new double[width];
        w[BestSingleFeature(lists, width)] = 1;
        var prior = (double[])w.Clone();
        var m = new double[width];
        var v = new double[width];
        var g = new double[width];
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        for (var t = 1; t <= iterations; t++)
        {
            LossAndGradient(w, lists, truncation, l2, g, prior);
            for (var f = 0; f < width; f++)
            {
                m[f] = (beta1 * m[f]) + ((1 - beta1) * g[f]);
                v[f] = (beta2 * v[f]) + ((1 - beta2) * g[f] * g[f]);
                var mHat = m[f] / (1 - Math.Pow(beta1, t));
                var vHat = v[f] / (1 - Math.Pow(beta2, t));
                w[f] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
            }
        }

        return new RankingBlend(w, truncation, l2);
    }

    /// <summary>The mean LambdaRank cost of the lists under <paramref name="weights"/> plus l2 |w - prior|^2 (prior 0 when empty); its gradient in <paramref name="gradient"/>.</summary>
    public static double LossAndGradient(ReadOnlySpan<double> weights, IReadOnlyList<BlendList> lists, int truncation, double l2, Span<double> gradient, ReadOnlySpan<double> prior = default)
    {
        var width = weights.Length;
        gradient.Clear();
        var loss = 0.0;
        foreach (var list in lists)
        {
            var n = list.Ids.Length;
            var scores = new double[n];
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var f = 0; f < width; f++)
                {
                    s += weights[f] * list.Features[(i * width) + f];
                }

                scores[i] = s;
            }

            var ds = new double[n];
            loss += LambdaRankLoss.Accumulate(scores, list.Relevant, truncation, ds);
            // Chain rule through the linear score: dC/dw_f = Σ_i dC/ds_i x_if.
            for (var i = 0; i < n; i++)
            {
                if (ds[i] == 0)
                {
                    continue;
                }

                for (var f = 0; f < width; f++)
                {
                    gradient[f] += ds[i] * list.Features[(i * width) + f];
                }
            }
        }

        var count = Math.Max(1, lists.Count);
        loss /= count;
        for (var f = 0; f < width; f++)
        {
            var offset = weights[f] - (prior.IsEmpty ? 0 : prior[f]);
            gradient[f] = (gradient[f] / count) + (2 * l2 * offset);
            loss += l2 * offset * offset;
        }

        return loss;
    }

    /// <summary>The feature whose order alone gives the lists the highest mean NDCG@10 against their relevant items.</summary>
    public static int BestSingleFeature(IReadOnlyList<BlendList> lists, int width) =>
        Enumerable.Range(0, width).MaxBy(f =>
        {
            var oneHot = new double[width];
            oneHot[f] = 1;
            var blend = new RankingBlend(oneHot, 0, 0);
            return lists.Count == 0 ? 0 : lists.Average(l => RankingMetrics.NdcgAtK(blend.Order(l, 10), l.Ids.Where((_, i) => l.Relevant[i]).ToHashSet(), 10));
        });

    /// <summary>A blend with given weights (tests, and a model read back from its report).</summary>
    public static RankingBlend FromWeights(double[] weights, int truncation = 0, double l2 = 0) => new(weights, truncation, l2);
}
