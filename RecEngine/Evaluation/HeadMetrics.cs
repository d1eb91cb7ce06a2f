using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Evaluation;
using RecEngine.Training.Datasets;

namespace RecEngine.Evaluation;

/// <summary>
/// AUC of the ranker's two outputs on held-out impressions, against "watched": <c>p_watch</c>, and <c>watch_time</c>
/// (expected watch seconds, the order's score; it also rewards length, so it is not meant to win at this).
/// <para>
/// <see cref="WatchAuc"/> is the model's P(watch) of each held-out impression at its logged position, comparable with
/// the world's own P(watch), which knows the position too: the head with the position as its input, or, for a ranker
/// trained with a position term (<see cref="PositionBias"/>: a frozen log-odds offset added in training and left out
/// at serving, where every candidate is at the top), the head's logit plus that offset. <see cref="WatchAucAtTop"/> is
/// the head alone (every impression scored as if at the top, as serving scores it), comparable with the world's
/// P(watch) at position 0.
/// </para>
/// </summary>
internal sealed record HeadMetrics(int Impressions, double WatchRate, double WatchAuc, double WatchAucAtTop, double WatchTimeAuc)
{
    /// <summary>
    /// Scores the held-out impressions twice: at their logged positions (through the position input, or the fitted
    /// position term of a ranker trained with one), then as if every one were at the top. Clears
    /// <paramref name="test"/>'s position input.
    /// </summary>
    public static HeadMetrics Measure(RankerDataset test, FittedFeatureSpec spec, OnnxRanker ranker, PositionBias? positionBias)
    {
        var offsets = positionBias?.Offsets(test);
        if (positionBias is not null)
        {
            // Trained with the position input at 0, as serving gives it: the term carries the position instead.
            PositionBias.ClearPositionInput(test);
        }

        var (logged, watchTime) = Score(RankerModelTrainer.EncodeImputed(spec, test), ranker);
        PositionBias.ClearPositionInput(test);
        var (atTop, _) = positionBias is null ? Score(RankerModelTrainer.EncodeImputed(spec, test), ranker) : (logged, watchTime);
        var labels = test.Watched.Select(w => w > 0.5f).ToList();
        return new HeadMetrics(
            test.Count,
            labels.Count(l => l) / (double)Math.Max(1, labels.Count),
            RankingMetrics.Auc([.. logged.Select((x, i) => Logit(x) + (offsets?[i] ?? 0))], labels),
            RankingMetrics.Auc([.. atTop.Select(x => (double)x)], labels),
            RankingMetrics.Auc([.. watchTime.Select(x => (double)x)], labels));
    }

    private static (float[] PWatch, float[] WatchTime) Score(RankerExamples test, OnnxRanker ranker)
    {
        var p = new float[test.Count];
        var t = new float[test.Count];
        const int chunk = 1000;
        for (var start = 0; start < test.Count; start += chunk)
        {
            var rows = Math.Min(chunk, test.Count - start);
            ranker.Score(test.Dense.AsSpan(start * test.DenseFeatures, rows * test.DenseFeatures), test.Categorical.AsSpan(start * test.Fields, rows * test.Fields), rows,
                p.AsSpan(start, rows), t.AsSpan(start, rows));
        }

        return (p, t);
    }

    private static double Logit(float p)
    {
        var q = Math.Clamp((double)p, 1e-12, 1 - 1e-12);
        return Math.Log(q / (1 - q));
    }

    /// <summary>
    /// AUC of the world's true P(watch) on the same impressions (the ceiling: the world's own noise), where it has one;
    /// at each impression's logged position, or, with <paramref name="atTop"/>, as if every one were at the top.
    /// </summary>
    public static double? OracleAuc(IRelevanceOracle oracle, RankerDataset test, VideoSnapshot videos, bool atTop = false)
    {
        if (!oracle.IsAvailable || test.Count == 0 || oracle.WatchProbability(test.Users[0], videos.Ids[test.Videos[0]], test.Impressions[0].At, 0, null) is null)
        {
            return null;
        }

        // Impressions of users or videos the world did not create (added through the API, say) have no truth: left out.
        var known = Enumerable.Range(0, test.Count)
            .Select(i => (Truth: oracle.WatchProbability(test.Users[i], videos.Ids[test.Videos[i]], test.Impressions[i].At, atTop ? 0 : test.Impressions[i].Position, test.Impressions[i].Device), Watched: test.Watched[i] > 0.5f))
            .Where(x => x.Truth is not null)
            .ToList();
        return RankingMetrics.Auc([.. known.Select(x => x.Truth!.Value)], [.. known.Select(x => x.Watched)]);
    }
}
