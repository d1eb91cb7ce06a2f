using RecEngine.Features;
using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Evaluation;
using RecEngine.Training.Datasets;

namespace RecEngine.Evaluation;

/// <summary>
/// AUC of the ranker's two outputs on held-out impressions, against "watched": <c>p_watch</c>, and <c>watch_time</c>
/// (expected watch seconds, the order's score; it also rewards length, so it is not meant to win at this).
/// </summary>
internal sealed record HeadMetrics(int Impressions, double WatchRate, double WatchAuc, double WatchTimeAuc)
{
    public static HeadMetrics Measure(RankerExamples test, OnnxRanker ranker)
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

        var labels = test.Watched.Select(w => w > 0.5f).ToList();
        return new HeadMetrics(
            test.Count,
            labels.Count(l => l) / (double)Math.Max(1, labels.Count),
            RankingMetrics.Auc([.. p.Select(x => (double)x)], labels),
            RankingMetrics.Auc([.. t.Select(x => (double)x)], labels));
    }

    /// <summary>AUC of the world's true P(watch) on the same impressions (the ceiling: the world's own noise), where it has one.</summary>
    public static double? OracleAuc(IRelevanceOracle oracle, RankerDataset test, VideoSnapshot videos)
    {
        if (!oracle.IsAvailable || test.Count == 0 || oracle.WatchProbability(test.Users[0], videos.Ids[test.Videos[0]], test.Impressions[0].At, 0, null) is null)
        {
            return null;
        }

        // Impressions of users or videos the world did not create (added through the API, say) have no truth: left out.
        var known = Enumerable.Range(0, test.Count)
            .Select(i => (Truth: oracle.WatchProbability(test.Users[i], videos.Ids[test.Videos[i]], test.Impressions[i].At, test.Impressions[i].Position, test.Impressions[i].Device), Watched: test.Watched[i] > 0.5f))
            .Where(x => x.Truth is not null)
            .ToList();
        return RankingMetrics.Auc([.. known.Select(x => x.Truth!.Value)], [.. known.Select(x => x.Watched)]);
    }
}
