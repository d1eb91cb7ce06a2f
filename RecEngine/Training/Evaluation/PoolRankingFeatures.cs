using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The serving ranker's inputs (<see cref="RankingFeatures"/>) plus the baselines' signals from the training split
/// (<see cref="TrainingSplitSignals"/>): the video's watches in the split and in its newest part, and the
/// item-kNN score of the candidate for this user. Used where the data has no impressions (MovieLens), where what
/// users rate next is dominated by popularity and co-occurrence and the ranker should learn to combine them
/// with the embeddings (the stacking of Wolpert 1992, "Stacked generalization", with base models fitted on data
/// before the examples). Serving does not compute these yet; the first <see cref="RankingFeatures.NumericCount"/>
/// values are exactly serving's.
/// </summary>
public static class PoolRankingFeatures
{
    public static readonly FeatureSpec Spec = RankingFeatures.Spec with
    {
        Numeric =
        [
            .. RankingFeatures.Spec.Numeric,
            new NumericFeature("split_watches", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("split_recent_watches", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("item_knn_score", NumericTransform.Log1p, NonNegative: true),
        ],
    };

    public static int NumericCount => Spec.Numeric.Count;

    /// <summary>A user's item-kNN scores for <see cref="Raw"/>, from their recent training watches.</summary>
    public static Dictionary<int, double> KnnScores(CandidateRequest request, TrainingSplitSignals signals) => signals.Knn.Scores(request.RecentVideoIndexes);

    /// <summary>Writes one candidate's raw values: serving's, then the three signals.</summary>
    public static void Raw(UserContext user, int video, ImpressionContext context, VideoSnapshot videos, RetrievalModel? model, TrendingIndex trending,
        TrainingSplitSignals signals, Dictionary<int, double> knnScores, Span<double> numeric, Span<string?> categorical)
    {
        var n = RankingFeatures.NumericCount;
        RankingFeatures.Raw(user, video, context, videos, model, trending, numeric[..n], categorical);
        numeric[n] = signals.Watches[video];
        numeric[n + 1] = signals.RecentWatches[video];
        numeric[n + 2] = knnScores.GetValueOrDefault(video);
    }
}
