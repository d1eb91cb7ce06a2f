using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training;

/// <summary>
/// Trains the ranker on data without impressions: the chosen events become examples with sampled negatives
/// (<see cref="SampledNegativesDataset"/>), and the embedding features come from an ALS trained on the other
/// events only, for the same reason as <see cref="RankerModelTrainer.TrainOutOfSample"/>: embeddings fitted to the
/// watches the ranker learns to predict leak the label.
/// </summary>
public static class SampledNegativesRanker
{
    /// <summary>Whether the events hold logged slates; without them the ranker needs sampled negatives.</summary>
    public static bool HasImpressions(IEnumerable<InteractionEvent> events) => events.Any(e => e.Type == EventType.Impression);

    public static (TrainedRanker Ranker, int Examples) TrainOutOfSample(
        IReadOnlyList<InteractionEvent> timeOrdered,
        bool[] isExample,
        VideoSnapshot videos,
        DateTime windowEnd,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int epochs,
        CancellationToken cancellationToken,
        int negatives = 4,
        double exponent = PopularitySampler.DefaultExponent,
        Action<RankerDataset>? datasetBuilt = null)
    {
        // The ranker's features read the factors, never the index: an exact one costs a copy, an HNSW build minutes at 1M.
        using var featureModel = RetrievalTrainer.Train(timeOrdered.Where((_, i) => !isExample[i]), videos, als, index with { ExactBelow = int.MaxValue }, cancellationToken);
        var dataset = SampledNegativesDataset.Build(timeOrdered, i => isExample[i], videos, featureModel, windowEnd, candidates, negatives, exponent, cancellationToken: cancellationToken);
        if (dataset.Count == 0)
        {
            throw new InvalidOperationException("No watches to learn from: the ranker's part of the window holds no watch or skip events.");
        }

        datasetBuilt?.Invoke(dataset);
        return (RankerModelTrainer.Train(dataset, new RankerTrainerOptions { Epochs = epochs, MaxParallelism = als.Threads }), dataset.Count);
    }
}
