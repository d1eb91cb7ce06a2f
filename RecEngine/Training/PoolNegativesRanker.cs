using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Evaluation;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;

namespace RecEngine.Training;

/// <summary>
/// Trains the ranker on data without impressions: each user's window is split by their own history (the last
/// <see cref="LabelShare"/> of their events are labels, as the per-user evaluation split cuts), and the labels become
/// examples against the candidates the serving generator proposes from the earlier events
/// (<see cref="PoolNegativesDataset"/>). Retrieval for the features is trained on the earlier events only: embeddings
/// and co-watches fitted to the watches the ranker learns to predict would leak the label.
/// </summary>
internal static class PoolNegativesRanker
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
    public const int MaxUsersBesideImpressions = 10_000;

    /// <summary>
    /// The largest catalog whose training adds pool examples beside logged impressions. The examples need a second
    /// retrieval model with its own searches; at a million videos that was a second HNSW build and a peak of 13 GB
    /// against 5.6 GB without (benchmarks/RESULTS.md, train at 1M), so past this the ranker learns from impressions alone.
    /// </summary>
    public const int MaxVideosBesideImpressions = 50_000;

    /// <summary>Whether the events hold logged slates; without them the ranker learns from candidate pools.</summary>
    public static bool HasImpressions(IEnumerable<InteractionEvent> events) => events.Any(e => e.Type == EventType.Impression);

    /// <summary>
    /// The examples alone: each user's newest events against the candidates of their earlier ones, with retrieval
    /// trained on those earlier events; at most <paramref name="maxUsers"/> users (chosen by a hash of their id).
    /// <paramref name="besideImpressions"/>: see <see cref="PoolNegativesDataset.Build"/>.
    /// </summary>
    public static RankerDataset Examples(IReadOnlyList<InteractionEvent> timeOrdered, VideoSnapshot videos, AlsOptions als, VectorIndexOptions index, CandidateOptions candidates, int maxUsers, CancellationToken cancellationToken, Hosting.TrainingProgress? progress = null, IReadOnlyList<float[]?>? visual = null, double minimumProjectionR2 = VisualProjection.MinimumHeldOutR2, bool besideImpressions = false)
    {
        progress?.Phase("ranker pool examples: each user's newest watches against the candidates of their earlier ones");
        var split = TemporalSplit.CreatePerUser(timeOrdered, videos, LabelShare);
        var isLabel = PerUserTail.Mask(timeOrdered, LabelShare);
        // The serving index kind, not an exact one: these examples need the generator's searches (an exact search over
        // a million videos per candidate source and user would dominate training).
        using var featureModel = RetrievalTrainer.Train(split.Train, videos, als, index, progress: null, "ranker feature embeddings", cancellationToken, visual, minimumProjectionR2);
        var seconds = PoolNegativesDataset.WatchSeconds(timeOrdered, i => isLabel[i], videos);
        return PoolNegativesDataset.Build(split, seconds, videos, featureModel, candidates, maxUsers: maxUsers, besideImpressions: besideImpressions, cancellationToken: cancellationToken);
    }

    /// <summary>Trains the ranker on <see cref="Examples"/> of every user.</summary>
    public static (TrainedRanker Ranker, int Examples) TrainOutOfSample(
        IReadOnlyList<InteractionEvent> timeOrdered,
        VideoSnapshot videos,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int epochs,
        CancellationToken cancellationToken,
        Action<RankerDataset>? datasetBuilt = null,
        IReadOnlyList<float[]?>? visual = null,
        double minimumProjectionR2 = VisualProjection.MinimumHeldOutR2,
        int networks = 1)
    {
        var dataset = Examples(timeOrdered, videos, als, index, candidates, maxUsers: int.MaxValue, cancellationToken, visual: visual, minimumProjectionR2: minimumProjectionR2);
        if (dataset.Count == 0)
        {
            throw new InvalidOperationException("No watches to learn from: no user watched anything new in the newest part of their history.");
        }

        datasetBuilt?.Invoke(dataset);
        return (RankerModelTrainer.Train(dataset, new RankerTrainerOptions { Epochs = epochs, MaxParallelism = als.Threads, EnsembleMembers = networks }), dataset.Count);
    }
}
