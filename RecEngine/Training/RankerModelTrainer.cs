using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Hosting;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Ranking.Features;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;

namespace RecEngine.Training;

/// <summary>A trained ranker with the feature statistics it was trained on: the two travel together.</summary>
internal sealed record TrainedRanker(RankerEnsemble Ensemble, FittedFeatureSpec Spec, IReadOnlyList<double> EpochLosses, double ExamplesPerSecond)
{
    /// <summary>The examination offsets training used instead of the position input, or null (position was an input).</summary>
    public PositionBias? PositionBias { get; init; }

    /// <summary>E[seconds | watched] fitted on the training watches: the exported <c>watch_time</c> is P(watch) times it.</summary>
    public WatchSecondsGivenWatch? WatchSeconds { get; init; }
}

/// <summary>Fits the feature spec on the examples, encodes them, and trains the network.</summary>
internal static class RankerModelTrainer
{
    /// <param name="positionBias">Examination offsets added to the logits in training (<see cref="PositionBias"/>); the dataset's position input should then be 0, as at serving.</param>
    public static TrainedRanker Train(RankerDataset data, RankerTrainerOptions options, TrainingProgress? progress = null, PositionBias? positionBias = null)
    {
        var declared = RankingFeatures.Spec;
        if (data.Count == 0)
        {
            throw new InvalidOperationException("No impressions in the window: the ranker needs logged slates (impression events) to learn from.");
        }

        progress?.Phase($"ranker: feature statistics and encoding of {data.Count:N0} examples");
        var spec = FittedFeatureSpec.Fit(declared, Enumerable.Range(0, data.Count).Select(i => new FeatureRow(data.Numeric[i], data.Categorical[i], [])));
        var examples = Encode(spec, data);
        if (positionBias is not null)
        {
            examples = new RankerExamples(examples.DenseFeatures, examples.Fields, examples.Dense, examples.Categorical, examples.Watched, examples.WatchSeconds)
            {
                LogitOffsets = positionBias.Offsets(data),
            };
        }

        var fields = declared.Categorical.Select((c, i) => new CategoricalField(c.Name, spec.Categorical[i].Buckets - 1)).ToList();
        var networkOptions = new RankerNetworkOptions
        {
            DenseFeatures = spec.DenseWidth,
            Fields = fields,
            TextFields = [.. declared.Text.Select(t => new TextField(t.Name, t.Buckets, t.MaxTokens))],
            HiddenLayers = [256, 128, 64],
        };
        var members = options.EnsembleMembers;
        progress?.Phase(members == 1
            ? $"ranker: {options.Epochs} epochs over {examples.Count:N0} examples"
            : $"ranker: {members} networks x {options.Epochs} epochs over {examples.Count:N0} examples");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var networks = new List<RankerNetwork>(members);
        var losses = new double[options.Epochs];
        for (var m = 0; m < members; m++)
        {
            // Member m differs from the first only in its seed (initial weights and the order of the examples).
            var memberOptions = options with { Seed = options.Seed + m };
            var network = new RankerNetwork(networkOptions, memberOptions.Seed);
            var trainer = new RankerTrainer(network, memberOptions);
            var average = options.AveragedCheckpoints > 0 ? new ParameterAverage(network) : null;
            var name = members == 1 ? "ranker" : $"ranker {m + 1}/{members}";
            for (var epoch = 1; epoch <= options.Epochs; epoch++)
            {
                progress?.Report(members == 1 ? $"epoch {epoch}/{options.Epochs}" : $"network {m + 1}/{members}, epoch {epoch}/{options.Epochs}");
                var epochStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var loss = epoch == options.Epochs ? trainer.TrainEpoch(examples, average, options.AveragedCheckpoints) : trainer.TrainEpoch(examples);
                losses[epoch - 1] += loss / members;
                progress?.Line($"{name} epoch {epoch}/{options.Epochs}: loss {loss:0.0000} in {System.Diagnostics.Stopwatch.GetElapsedTime(epochStarted).TotalSeconds:0.0}s");
            }

            average?.Apply();
            networks.Add(network);
        }

        progress?.End();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new TrainedRanker(new RankerEnsemble(networks), spec, losses, examples.Count * (double)losses.Length * members / Math.Max(seconds, 1e-9)) { PositionBias = positionBias, WatchSeconds = WatchSecondsGivenWatch.Fit(data, DurationColumn) };
    }

    /// <summary>The seed of <see cref="RankerDataset.CapPerUser"/>'s draw.</summary>
    private const int CapSeed = 17;

    private static readonly int DurationColumn = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf(WatchSecondsGivenWatch.DurationFeature);

    /// <summary>
    /// Trains the ranker on the impressions in [<paramref name="rankerFrom"/>, <paramref name="end"/>). Its embedding
    /// features come from an ALS trained only on the events before <paramref name="rankerFrom"/>: embeddings fitted
    /// to the same watches the ranker learns to predict leak the label (docs/decisions/0004).
    /// </summary>
    public static (TrainedRanker Ranker, int Examples) TrainOutOfSample(
        IReadOnlyList<InteractionEvent> timeOrdered,
        VideoSnapshot videos,
        DateTime rankerFrom,
        DateTime end,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int epochs,
        CancellationToken cancellationToken,
        Action<RankerDataset>? datasetBuilt = null,
        TrainingProgress? progress = null,
        RankerDataset? poolExamples = null,
        double returnWeight = 0,
        IReadOnlyList<float[]?>? visual = null,
        double minimumProjectionR2 = VisualProjection.MinimumHeldOutR2,
        int networks = 1,
        int maxImpressionsPerUser = 0)
    {
        // The ranker's features read the factors, never the index: an exact one costs a copy, an HNSW build minutes at 1M.
        // With thumbnails, the feature model fits its own projection to its own factors (thumbnail_affinity).
        using var featureModel = RetrievalTrainer.Train(timeOrdered.Where(e => e.Timestamp < rankerFrom), videos, als, index with { ExactBelow = int.MaxValue }, progress, "ranker feature embeddings", cancellationToken, visual, minimumProjectionR2);
        progress?.Phase("ranker dataset: replaying the window");
        var dataset = RankerDataset.Build(timeOrdered, videos, featureModel, end, candidates, from: rankerFrom, progress: progress, cancellationToken: cancellationToken);
        if (maxImpressionsPerUser > 0)
        {
            dataset = dataset.CapPerUser(maxImpressionsPerUser, CapSeed);
        }

        if (returnWeight > 0)
        {
            // The logged impressions only: a pool example's "impression" is a watch's own time, not a slate.
            ReturnWeighting.Apply(dataset, timeOrdered, end, returnWeight);
        }

        if (poolExamples is not null)
        {
            dataset.Append(poolExamples);
        }

        // Served days (explored impressions in the window): position as an examination offset, no example age, explored rows weighted.
        var positionBias = ServedSlatesPreparation.Apply(dataset);
        datasetBuilt?.Invoke(dataset);
        // The ALS thread budget is the training's: a retraining beside serving passes 1.
        return (Train(dataset, new RankerTrainerOptions { Epochs = epochs, MaxParallelism = als.Threads, EnsembleMembers = networks }, progress: progress, positionBias: positionBias), dataset.Count);
    }

    /// <summary>Dense and categorical inputs of every example, through the fitted spec: the network's inputs in training.</summary>
    public static RankerExamples Encode(FittedFeatureSpec spec, RankerDataset data) => Encode(spec, data, imputedOnly: false);

    /// <summary>The exported graph's inputs: imputed raw values and missing flags (the graph normalises them), and the ids.</summary>
    public static RankerExamples EncodeImputed(FittedFeatureSpec spec, RankerDataset data) => Encode(spec, data, imputedOnly: true);

    private static RankerExamples Encode(FittedFeatureSpec spec, RankerDataset data, bool imputedOnly)
    {
        var d = imputedOnly ? spec.RawWidth : spec.DenseWidth;
        var f = spec.IdWidth;
        var dense = new float[data.Count * d];
        var ids = new long[data.Count * f];
        for (var i = 0; i < data.Count; i++)
        {
            if (imputedOnly)
            {
                spec.ImputeNumeric(data.Numeric[i], dense.AsSpan(i * d, d));
            }
            else
            {
                spec.TransformNumeric(data.Numeric[i], dense.AsSpan(i * d, d));
            }

            spec.Ids(data.Categorical[i], data.Text[i], ids.AsSpan(i * f, f));
        }

        return new RankerExamples(d, f, dense, ids, data.Watched.ToArray(), data.WatchSeconds.ToArray());
    }
}
