using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The network of the ranker for data without impressions: it is trained on <see cref="CandidatePoolDataset"/>
/// examples of a validation split and stacked under a blend by <see cref="StackedPoolRanker"/>; this scores a pool
/// with it.
/// </summary>
public static class PoolRanker
{
    /// <summary>Scores a user's pool with the exported graph: <see cref="PoolRankingFeatures"/> imputed by the fitted spec.</summary>
    public static void Score(OnnxRanker ranker, FittedFeatureSpec spec, TrainingSplitSignals signals, VideoSnapshot videos, RetrievalModel model,
        UserContext user, CandidateRequest request, int[] ids, ImpressionContext impression, TrendingIndex trending, float[] pWatch, float[] watchTime)
    {
        var d = spec.RawWidth;
        var f = spec.IdWidth;
        var dense = new float[Math.Max(1, ids.Length * d)];
        var tokens = new long[Math.Max(1, ids.Length * f)];
        var numeric = new double[PoolRankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var text = new string?[RankingFeatures.TextCount];
        var knn = PoolRankingFeatures.KnnScores(request, signals);
        for (var r = 0; r < ids.Length; r++)
        {
            PoolRankingFeatures.Raw(user, ids[r], impression, videos, model, trending, signals, knn, numeric, categorical);
            spec.ImputeNumeric(numeric, dense.AsSpan(r * d, d));
            RankingFeatures.Text(ids[r], videos, text);
            spec.Ids(categorical, text, tokens.AsSpan(r * f, f));
        }

        ranker.Score(dense.AsSpan(0, ids.Length * d), tokens.AsSpan(0, ids.Length * f), ids.Length, pWatch, watchTime);
    }
}
