using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// On imported data, the network that <c>train</c> puts into service, trained the way <c>train</c> trains it on the
/// evaluation's training split: serving's features, the last <c>rankerDays</c> days' watches with sampled negatives
/// (<see cref="SampledNegativesRanker"/>), <see cref="TrainEpochs"/> epochs. <c>evaluate</c> reports it as
/// <see cref="Name"/>, ordering the generated candidates as serving does, so the gap between the stacked
/// <c>ranker</c> and what <c>serve</c> would show is measured, not guessed.
/// </summary>
public sealed class ServedNetwork : IDisposable
{
    public const string Name = "served_network";

    /// <summary><c>train</c>'s default epoch count.</summary>
    public const int TrainEpochs = 3;

    private ServedNetwork(TrainedRanker network, OnnxRanker onnx)
    {
        Network = network;
        Onnx = onnx;
    }

    public TrainedRanker Network { get; }

    public OnnxRanker Onnx { get; }

    /// <param name="train">The evaluation's training split, oldest first: the only events read.</param>
    /// <returns>Null, with a line in the log, when those days hold no watch to learn from.</returns>
    public static ServedNetwork? Train(List<InteractionEvent> train, VideoSnapshot videos, int rankerDays, AlsOptions als, VectorIndexOptions index, CandidateOptions candidates,
        Action<string>? log, CancellationToken cancellationToken)
    {
        var end = train[^1].Timestamp;
        var from = end.AddDays(-rankerDays);
        if (!train.Any(e => e.Timestamp >= from && e.Type == EventType.Watch))
        {
            log?.Invoke($"Served network: no watches from {from:u} to learn from; not reported.");
            return null;
        }

        var (network, examples) = SampledNegativesRanker.TrainOutOfSample(train, [.. train.Select(e => e.Timestamp >= from)], videos, end, als, index, candidates, TrainEpochs, cancellationToken);
        log?.Invoke($"Served network (as train trains it): {examples:N0} examples from {from:u}, {TrainEpochs} epochs.");
        return new ServedNetwork(network, OnnxRanker.Load(RankerOnnxExporter.ToBytes(network.Network, network.Spec), "served", new OnnxRankerOptions(), network.Spec.RawWidth, network.Spec.IdWidth));
    }

    /// <summary>Scores candidates with serving's features and the ONNX graph, as <see cref="CandidateScorer"/> does at serve time.</summary>
    public PoolScorer Scorer(VideoSnapshot videos, RetrievalModel model)
    {
        var scorer = new CandidateScorer(Onnx, Network.Spec);
        return (user, _, ids, impression, trending, p, t) => scorer.Score(user, ids, impression, videos, model, trending, p, t);
    }

    public void Dispose() => Onnx.Dispose();
}
