using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Evaluation;

namespace RecEngine.Training;

/// <summary>
/// Trains the ranker on data without impressions: each user's window is split by their own history (the last
/// <see cref="LabelShare"/> of their events are labels, as the per-user evaluation split cuts), and the labels become
/// examples against the candidates the serving generator proposes from the earlier events
/// (<see cref="PoolNegativesDataset"/>). Retrieval for the features is trained on the earlier events only: embeddings
/// and co-watches fitted to the watches the ranker learns to predict would leak the label.
/// </summary>
public static class PoolNegativesRanker
{
    /// <summary>
    /// The share of each user's events (newest) that are the ranker's labels, as the per-user evaluation split cuts
    /// (0.1, 0.3 and 0.4 were no better beyond the seed-to-seed spread on a validation split; docs/decisions).
    /// </summary>
    public const double LabelShare = 0.2;

    /// <summary>
    /// Users whose pool examples join the logged impressions when a window has both: enough to carry the signal, and a
    /// bounded cost at a million videos (one candidate generation per user).
    /// </summary>
    public const int MaxUsersBesideImpressions = 20_000;

    /// <summary>Whether the events hold logged slates; without them the ranker learns from candidate pools.</summary>
    public static bool HasImpressions(IEnumerable<InteractionEvent> events) => events.Any(e => e.Type == EventType.Impression);

    /// <summary>
    /// The examples alone: each user's newest events against the candidates of their earlier ones, with retrieval
    /// trained on those earlier events; at most <paramref name="maxUsers"/> users (chosen by a hash of their id).
    /// </summary>
    public static RankerDataset Examples(IReadOnlyList<InteractionEvent> timeOrdered, VideoSnapshot videos, AlsOptions als, VectorIndexOptions index, CandidateOptions candidates, int maxUsers, CancellationToken cancellationToken)
    {
        var split = TemporalSplit.CreatePerUser(timeOrdered, videos, LabelShare);
        var isLabel = PerUserTail.Mask(timeOrdered, LabelShare);
        using var featureModel = RetrievalTrainer.Train(split.Train, videos, als, index with { ExactBelow = int.MaxValue }, cancellationToken);
        var seconds = PoolNegativesDataset.WatchSeconds(timeOrdered, i => isLabel[i], videos);
        return PoolNegativesDataset.Build(split, seconds, videos, featureModel, candidates, maxUsers: maxUsers, cancellationToken: cancellationToken);
    }

    public static (TrainedRanker Ranker, int Examples) TrainOutOfSample(
        IReadOnlyList<InteractionEvent> timeOrdered,
        VideoSnapshot videos,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int epochs,
        CancellationToken cancellationToken,
        Action<RankerDataset>? datasetBuilt = null)
    {
        var split = TemporalSplit.CreatePerUser(timeOrdered, videos, LabelShare);
        var isLabel = PerUserTail.Mask(timeOrdered, LabelShare);
        using var featureModel = RetrievalTrainer.Train(split.Train, videos, als, index with { ExactBelow = int.MaxValue }, cancellationToken);
        var seconds = PoolNegativesDataset.WatchSeconds(timeOrdered, i => isLabel[i], videos);
        var dataset = PoolNegativesDataset.Build(split, seconds, videos, featureModel, candidates, cancellationToken: cancellationToken);
        if (dataset.Count == 0)
        {
            throw new InvalidOperationException("No watches to learn from: no user watched anything new in the newest part of their history.");
        }

        datasetBuilt?.Invoke(dataset);
        return (RankerModelTrainer.Train(dataset, new RankerTrainerOptions { Epochs = epochs, MaxParallelism = als.Threads }), dataset.Count);
    }
}
