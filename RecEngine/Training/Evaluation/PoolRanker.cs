using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The ranker for data without impressions, trained the way it is evaluated: the training part of the evaluation
/// split is split again the same way (per user or at a time), the inner test part gives the labels, and the
/// embeddings, the baselines' signals and the candidate pools come from the inner training part only
/// (<see cref="CandidatePoolDataset"/>). No event of the evaluation's test part is read.
/// </summary>
public static class PoolRanker
{
    /// <param name="train">The evaluation's training events, oldest first.</param>
    /// <param name="innerCut">Global split: the time the inner split cuts at; null splits per user.</param>
    public static (TrainedRanker Ranker, int Examples) Train(
        List<InteractionEvent> train,
        VideoSnapshot videos,
        DateTime? innerCut,
        double share,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int poolSize,
        int epochs,
        CancellationToken cancellationToken)
    {
        var isLabel = innerCut is { } at ? [.. train.Select(e => e.Timestamp >= at)] : PerUserTail.Mask(train, share);
        var inner = innerCut is { } cut ? TemporalSplit.Create(train, videos, cut) : TemporalSplit.CreatePerUser(train, videos, share);
        // The features read the factors, never the index: an exact one costs a copy, an HNSW build minutes at 1M.
        using var featureModel = RetrievalTrainer.Train(inner.Train, videos, als, index with { ExactBelow = int.MaxValue }, cancellationToken);
        var signals = TrainingSplitSignals.Build(inner.Train, videos);
        var seconds = CandidatePoolDataset.WatchSeconds(train, i => isLabel[i], videos);
        var dataset = CandidatePoolDataset.Build(inner, seconds, videos, featureModel, signals, candidates, poolSize, cancellationToken: cancellationToken);
        if (dataset.Count == 0)
        {
            throw new InvalidOperationException("No user watched anything new in the ranker's inner test part: too few events per user to train on.");
        }

        return (RankerModelTrainer.Train(dataset, new RankerTrainerOptions { Epochs = epochs }, features: PoolRankingFeatures.Spec), dataset.Count);
    }

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
