using System.ComponentModel.DataAnnotations;

using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>Mini-batch training settings.</summary>
public sealed record RankerTrainerOptions
{
    [Range(1, 1000)]
    public int Epochs { get; init; } = 5;

    [Range(1, 65536)]
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Each mini-batch is split into this many contiguous shards, run in parallel and summed in shard order;
    /// the result depends on the seed and this number, never on thread timing.
    /// </summary>
    [Range(1, 64)]
    public int Shards { get; init; } = 2;

    /// <summary>
    /// Threads that run the shards at once (the calling thread included); 1 runs them one after another on the calling
    /// thread, so a retraining in a serving process (which lowers that thread's priority) takes no pool thread from
    /// requests. Results are the same for any value.
    /// </summary>
    [Range(1, 256)]
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Adam's step size for the crosses, MLP and heads.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Adagrad's step size for the embedding tables.</summary>
    public float EmbeddingLearningRate { get; init; } = 0.05f;

    /// <summary>lambda, the weight of the watch-time loss against the P(watch) loss.</summary>
    public float WatchTimeLossWeight { get; init; } = 1f;

    public int Seed { get; init; } = 17;

    /// <summary>
    /// Checkpoints, evenly spaced through the last epoch, whose mean parameters become the trained network (stochastic
    /// weight averaging, <see cref="ParameterAverage"/>); 0 keeps the parameters of the last step. Used by
    /// <c>RankerModelTrainer.Train</c> (train, evaluate, retraining); chosen on validation splits
    /// (docs/decisions/0001-served-model.md).
    /// </summary>
    [Range(0, 1000)]
    public int AveragedCheckpoints { get; init; } = 4;

    /// <summary>
    /// Networks trained from seeds <see cref="Seed"/>, Seed + 1, ... whose logits are averaged into the trained ranker
    /// (<see cref="RankerEnsemble"/>, one exported graph). The product's training passes
    /// <c>RecEngine:Ranking:Networks</c> (3 by default, chosen on validation splits: docs/decisions/0001-served-model.md).
    /// </summary>
    [Range(1, 16)]
    public int EnsembleMembers { get; init; } = 1;
}
