using System.Globalization;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The ranker <c>evaluate</c> reports on imported data: the pool network (<see cref="PoolRanker"/>) stacked under a
/// LambdaRank blend with the baselines' signals (<see cref="RankingBlend"/>), with every setting chosen honestly.
/// <list type="number">
/// <item>Validation split (<see cref="ValidationSplit"/>): the training split is cut again by the test split's own
/// rule (per user, the last share of each user's training events; or, for a global split, at the time before which
/// 1 - share of the training events lie). The validation part gives labels; embeddings, signals and pools come from
/// the part before.</item>
/// <item>Validation users are split in two folds by a hash of their id. The network trains on fold A's examples;
/// its epoch count is the best NDCG@10 on fold B's examples (with early stopping after <see cref="Patience"/>
/// epochs without a gain).</item>
/// <item>The blend is fitted on fold B's full pools scored by that network (stacking: the network never trained on
/// those labels); its NDCG truncation and L2 penalty are chosen by 2-fold cross-validation within fold B.</item>
/// <item>Refit: the network is trained again on both folds with the chosen epoch count, and at test time every
/// feature is recomputed on the whole training split.</item>
/// </list>
/// Only the training split is passed in, so no setting can depend on a test event.
/// </summary>
public sealed class StackedPoolRanker : IDisposable
{
    /// <summary>Fold B users whose pools the blend is fitted on (sampled by hash beyond this).</summary>
    public const int MaxSelectionUsers = 1500;

    /// <summary>Epochs without a validation gain before the network stops.</summary>
    public const int Patience = 2;

    /// <summary>
    /// The blend settings tried: the head of the pool it re-ranks (<see cref="BlendFeatures.Head"/>, 0: the whole
    /// pool), the NDCG truncation of the LambdaRank weights (0: whole list) and the L2 penalty toward the best single
    /// feature. Truncation at 10 beat the whole list, and re-ranking a head of 30 or 100 beat nothing, in the earlier
    /// runs (benchmarks/RESULTS.md), so the penalty varies: from a free blend to one held at that feature.
    /// </summary>
    public static readonly BlendSetting[] BlendSettings = [new(0, 10, 1e-4), new(0, 10, 1e-2), new(0, 10, 1e-1), new(0, 10, 1)];

    /// <summary>Offset that puts the candidates outside the head below every head score, in exposure order.</summary>
    private const double BelowHead = -1000;

    private StackedPoolRanker(TrainedRanker network, OnnxRanker onnx, RankingBlend blend, int head, ModelSelection selection, int examples)
    {
        Head = head;
        Network = network;
        Onnx = onnx;
        Blend = blend;
        Selection = selection;
        Examples = examples;
    }

    public TrainedRanker Network { get; }

    public OnnxRanker Onnx { get; }

    public RankingBlend Blend { get; }

    /// <summary>The head of each pool the blend re-ranks (0: all of it).</summary>
    public int Head { get; }

    public ModelSelection Selection { get; }

    /// <summary>Examples the refitted network trained on.</summary>
    public int Examples { get; }

    /// <summary>Whether a validation user is in fold B (chooses settings) rather than fold A (trains the network).</summary>
    public static bool IsSelectionUser(string user) => (FeatureHashing.Fnv1a64(user) & 1) == 1;

    /// <param name="train">The evaluation's training split, oldest first: the only events read.</param>
    /// <param name="validationCut">Global split: the time the validation part starts; null cuts per user.</param>
    /// <param name="share">Per-user split: the share of each user's training events that is validation.</param>
    /// <param name="maxEpochs">The most epochs the network may train (early stopping picks fewer).</param>
    public static StackedPoolRanker Fit(
        List<InteractionEvent> train,
        VideoSnapshot videos,
        DateTime? validationCut,
        double share,
        AlsOptions als,
        VectorIndexOptions index,
        CandidateOptions candidates,
        int poolSize,
        int maxEpochs,
        Action<string>? log,
        CancellationToken cancellationToken)
    {
        var (validation, isLabel) = ValidationSplit.Create(train, videos, validationCut, share);
        // The features read the factors, never the index: an exact one costs a copy, an HNSW build minutes at 1M.
        using var featureModel = RetrievalTrainer.Train(validation.Train, videos, als, index with { ExactBelow = int.MaxValue }, cancellationToken);
        var signals = TrainingSplitSignals.Build(validation.Train, videos);
        var seconds = CandidatePoolDataset.WatchSeconds(train, i => isLabel[i], videos);
        var users = validation.Targets.Keys.Order(StringComparer.Ordinal).ToList();
        var selectionUsers = users.Where(IsSelectionUser).ToList();
        var networkUsers = users.Where(u => !IsSelectionUser(u)).ToList();
        if (selectionUsers.Count == 0 || networkUsers.Count == 0)
        {
            throw new InvalidOperationException("Too few users watched anything new in the validation part to train the ranker and choose its settings.");
        }

        var networkData = CandidatePoolDataset.Build(validation, seconds, videos, featureModel, signals, candidates, poolSize, networkUsers, cancellationToken: cancellationToken);
        var selectionData = CandidatePoolDataset.Build(validation, seconds, videos, featureModel, signals, candidates, poolSize, selectionUsers, cancellationToken: cancellationToken);
        log?.Invoke($"Validation split ({(validationCut is null ? "per user" : $"from {validationCut:u}")}): {networkUsers.Count:N0} users train the network ({networkData.Count:N0} examples), {selectionUsers.Count:N0} choose its epochs and fit the blend.");

        var epochNdcg = new List<double>();
        byte[]? bestNetwork = null;
        var bestEpoch = 0;
        RankerExamples? selectionExamples = null;
        var first = RankerModelTrainer.Train(networkData, new RankerTrainerOptions { Epochs = maxEpochs }, features: PoolRankingFeatures.Spec, afterEpoch: (epoch, network, spec) =>
        {
            selectionExamples ??= RankerModelTrainer.EncodeImputed(spec, selectionData);
            var bytes = RankerOnnxExporter.ToBytes(network, spec);
            using var onnx = OnnxRanker.Load(bytes, "validation", new OnnxRankerOptions(), spec.RawWidth, spec.IdWidth);
            epochNdcg.Add(EpochSelection.SampledNdcgAt10(selectionExamples, selectionData.Users, onnx));
            if (bestNetwork is null || epochNdcg[^1] > epochNdcg[bestEpoch - 1])
            {
                bestEpoch = epoch;
                bestNetwork = bytes;
            }

            log?.Invoke($"  network epoch {epoch}: validation NDCG@10 {epochNdcg[^1]:0.0000} (positives among sampled pool negatives)");
            return epoch - bestEpoch < Patience;
        });

        var sampled = selectionUsers.OrderBy(FeatureHashing.Fnv1a64).Take(MaxSelectionUsers).Order(StringComparer.Ordinal).ToList();
        ValidationLists.Result lists;
        using (var onnx = OnnxRanker.Load(bestNetwork!, "validation", new OnnxRankerOptions(), first.Spec.RawWidth, first.Spec.IdWidth))
        {
            lists = ValidationLists.Build(validation, sampled, videos, featureModel, signals, onnx, first.Spec, candidates, poolSize, cancellationToken);
        }

        // Each feature alone (a one-hot blend over the whole pool), to show what each signal carries on its own.
        var whole = lists.Pools.Select(p => p.ToList(0)).ToList();
        log?.Invoke($"  each feature alone: {string.Join(", ", BlendFeatures.Names.Select((n, f) => $"{n} {MeanNdcg(whole, lists.Targets, RankingBlend.FromWeights([.. Enumerable.Range(0, BlendFeatures.Count).Select(i => i == f ? 1.0 : 0.0)])):0.0000}"))}");
        whole = null; // about 100 MB at 1,500 users; the cross-validation builds its own lists
        var settingNdcg = BlendSettings.ToDictionary(s => s.Name, s => CrossValidatedNdcg(lists, s), StringComparer.Ordinal);
        var chosen = BlendSettings.MaxBy(s => settingNdcg[s.Name])!;
        var blend = RankingBlend.Fit([.. lists.Pools.Select(p => p.ToList(chosen.Head))], BlendFeatures.Count, chosen.Truncation, chosen.L2);
        var report = new Dictionary<string, double>(lists.BaselineNdcgAt10, StringComparer.Ordinal) { ["ranker"] = settingNdcg[chosen.Name] };
        log?.Invoke($"  blend: {string.Join(", ", settingNdcg.Select(kv => $"{kv.Key} {kv.Value:0.0000}"))}; chose {chosen.Name}");
        log?.Invoke($"  validation NDCG@10 on {sampled.Count:N0} users: {string.Join(", ", report.Select(kv => $"{kv.Key} {kv.Value:0.0000}"))}");
        log?.Invoke($"  weights: {string.Join(", ", BlendFeatures.Names.Select((n, i) => $"{n} {blend.Weights[i]:0.000}"))}");

        // Refit on both folds with the chosen epoch count.
        var all = RankerDatasets.Concat(networkData, selectionData);
        var refit = RankerModelTrainer.Train(all, new RankerTrainerOptions { Epochs = bestEpoch }, features: PoolRankingFeatures.Spec);
        var selection = new ModelSelection(
            validationCut is null ? "per-user" : "global",
            networkUsers.Count,
            selectionUsers.Count,
            epochNdcg,
            bestEpoch,
            chosen.Head,
            chosen.Truncation,
            chosen.L2,
            settingNdcg,
            BlendFeatures.Names.Select((n, i) => (n, blend.Weights[i])).ToDictionary(x => x.n, x => x.Item2, StringComparer.Ordinal),
            report);
        var final = OnnxRanker.Load(RankerOnnxExporter.ToBytes(refit.Network, refit.Spec), "evaluation", new OnnxRankerOptions(), refit.Spec.RawWidth, refit.Spec.IdWidth);
        return new StackedPoolRanker(refit, final, blend, chosen.Head, selection, all.Count);
    }

    /// <summary>
    /// Scores pools as the evaluation needs them: the blend's score as <c>watchTime</c> (what "ranker" orders by)
    /// and the network's own expected watch time as <c>pWatch</c> (the "ranker_network" diagnostic). Features come
    /// from <paramref name="train"/>, <paramref name="signals"/> and <paramref name="model"/>: the whole training split.
    /// </summary>
    public PoolScorer Scorer(List<InteractionEvent> train, TrainingSplitSignals signals, VideoSnapshot videos, RetrievalModel model)
    {
        var decayed = new DecayedPopularity(train, videos);
        var width = BlendFeatures.Count;
        return (user, request, ids, impression, trending, pWatch, watchTime) =>
        {
            var p = new float[ids.Length];
            var t = new float[ids.Length];
            PoolRanker.Score(Onnx, Network.Spec, signals, videos, model, user, request, ids, impression, trending, p, t);
            var (raw, history) = BlendFeatures.Raw(ids, p, t, request, signals, decayed, model);
            var head = BlendFeatures.Head(raw, ids.Length, Head);
            var rows = BlendFeatures.Rows(raw, head);
            BlendFeatures.Finish(rows, head.Length, history);
            for (var i = 0; i < ids.Length; i++)
            {
                watchTime[i] = (float)(BelowHead + raw[(i * width) + BlendFeatures.ExposureColumn]);
                pWatch[i] = t[i];
            }

            for (var r = 0; r < head.Length; r++)
            {
                watchTime[head[r]] = (float)Blend.Score(rows.AsSpan(r * width, width));
            }
        };
    }

    public void Dispose() => Onnx.Dispose();

    private static double MeanNdcg(List<BlendList> lists, List<HashSet<int>> targets, RankingBlend blend) =>
        lists.Select((l, i) => RankingMetrics.NdcgAtK(blend.Order(l, 10), targets[i], 10)).DefaultIfEmpty().Average();

    /// <summary>Mean NDCG@10 of a blend fitted on one half of the lists (alternate users) and scored on the other, both ways.</summary>
    private static double CrossValidatedNdcg(ValidationLists.Result lists, BlendSetting setting)
    {
        var all = lists.Pools.Select(p => p.ToList(setting.Head)).ToList();
        var sum = 0.0;
        for (var fold = 0; fold < 2; fold++)
        {
            var fit = all.Where((_, i) => i % 2 != fold).ToList();
            var blend = RankingBlend.Fit(fit, BlendFeatures.Count, setting.Truncation, setting.L2);
            for (var i = fold; i < all.Count; i += 2)
            {
                sum += RankingMetrics.NdcgAtK(blend.Order(all[i], 10), lists.Targets[i], 10);
            }
        }

        return sum / Math.Max(1, all.Count);
    }
}

/// <summary>One blend setting: the pool head it re-ranks (0: all), the NDCG truncation of its LambdaRank weights (0: none), its L2 penalty.</summary>
public sealed record BlendSetting(int Head, int Truncation, double L2)
{
    public string Name => string.Create(CultureInfo.InvariantCulture, $"head={(Head == 0 ? "all" : Head.ToString(CultureInfo.InvariantCulture))} k={(Truncation == 0 ? "all" : Truncation.ToString(CultureInfo.InvariantCulture))} l2={L2}");
}
