using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>Scores a user's candidate pool into P(watch) and expected watch time.</summary>
public delegate void PoolScorer(UserContext user, CandidateRequest request, int[] ids, ImpressionContext impression, TrendingIndex trending, float[] pWatch, float[] watchTime);

/// <summary>Top-k metrics of one ordering of the catalog for the sampled users.</summary>
public sealed record SlateMetrics(double NdcgAt10, double NdcgAt20, double RecallAt10, double RecallAt20, double MapAt20, double Coverage, double? Auc);

/// <summary>AUC and log-loss of both ranker heads on held-out impressions.</summary>
public sealed record HeadMetrics(int Impressions, double WatchRate, double WatchAuc, double WatchLogLoss, double WatchTimeAuc, double WatchTimeLogLoss);

/// <summary>
/// Offline comparison on the temporal holdout: for each sampled user, the videos they watched next (new to
/// them) are the relevant set; each model orders videos at the cut and is scored at 10 and 20.
/// <c>ranker</c> orders the retrieved candidates by the ranker's expected watch time, <c>retrieval_only</c> orders
/// the same candidates by the retrieval score, <c>most_popular</c> is the window's most watched videos,
/// <c>item_knn</c> is the item-based baseline (<see cref="ItemKnn"/>) where one is given, and <c>oracle</c> is
/// the hidden ground truth where the world has one. Every model skips what the user saw in training. Given
/// <c>widen</c>, the pool that ranker and retrieval_only order is the <see cref="CandidatePool"/> union with the
/// baselines' top videos, and <c>pWatchName</c> names the ordering by the scorer's first output (the stacked
/// ranker's network alone on imported data). Given <c>served</c>, that scorer also orders the generated candidates
/// alone, as serving does (the network <c>train</c> would serve, on imported data).
/// </summary>
public static class RankerEvaluation
{
    /// <summary>The served ranker's ordering of the generated candidates (what held-out validation compares).</summary>
    public static Dictionary<string, SlateMetrics> Run(
        TemporalSplit split,
        VideoSnapshot videos,
        RetrievalModel model,
        CandidateScorer scorer,
        CandidateOptions options,
        IRelevanceOracle oracle,
        IReadOnlyList<string> users,
        int candidates,
        double? rankerAuc,
        ItemKnn? itemKnn = null) =>
        Run(split, videos, model, (user, _, ids, impression, trending, p, t) => scorer.Score(user, ids, impression, videos, model, trending, p, t),
            options, oracle, users, candidates, rankerAuc, itemKnn);

    public static Dictionary<string, SlateMetrics> Run(
        TemporalSplit split,
        VideoSnapshot videos,
        RetrievalModel model,
        PoolScorer scorer,
        CandidateOptions options,
        IRelevanceOracle oracle,
        IReadOnlyList<string> users,
        int candidates,
        double? rankerAuc,
        ItemKnn? itemKnn = null,
        TrainingSplitSignals? widen = null,
        string pWatchName = "ranker_p_watch",
        PoolCoverage? coverage = null,
        Dictionary<string, List<double>>? perUserNdcgAt10 = null,
        (string Name, PoolScorer Score)? served = null)
    {
        var trendingAt = new TrendingAtCuts(split, videos, options);
        var trending = TrendingIndex.Empty(videos);
        var generator = new CandidateGenerator(
            [new PersonalSource(() => model), new ItemToItemSource(() => model, options.ItemToItemSeeds), new TrendingSource(() => trending), new FreshSource(options.FreshWindow, TimeSpan.FromDays(1))],
            options);
        var popularity = split.Train.Where(e => e.Type == Events.EventType.Watch)
            .GroupBy(e => e.VideoId).Select(g => (Id: g.Key, Count: g.Count()))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => videos.TryGetIndex(x.Id, out var v) ? v : -1).Where(v => v >= 0).ToArray();

        var shown = new int[videos.Count];
        foreach (var e in split.Train)
        {
            if (e.Type == Events.EventType.Impression && videos.TryGetIndex(e.VideoId, out var v))
            {
                shown[v]++;
            }
        }

        var lists = new Dictionary<string, List<(IReadOnlyList<int> Ranked, HashSet<int> Relevant)>>(StringComparer.Ordinal);
        void Add(string name, IReadOnlyList<int> ranked, HashSet<int> relevant)
        {
            if (!lists.TryGetValue(name, out var l))
            {
                lists[name] = l = [];
            }

            l.Add((ranked, relevant));
        }

        foreach (var user in users)
        {
            var relevant = split.Targets[user];
            trending = trendingAt.For(user);
            var features = split.Histories.GetValueOrDefault(user) ?? new UserFeatures { UserId = user };
            var request = split.RequestFor(user, model, videos);
            var generated = generator.Generate(request, candidates);
            var ids = widen is null ? generated.Select(c => c.VideoIndex).ToArray() : CandidatePool.Build(generated, request, widen);

            var context = UserContext.Build(features, model, videos);
            var impression = new ImpressionContext(request.Now, 0, null, request.Now.Hour, 0);
            var p = new float[ids.Length];
            var t = new float[ids.Length];
            scorer(context, request, ids, impression, trending, p, t);
            Add("ranker", Enumerable.Range(0, ids.Length).OrderByDescending(i => t[i]).Select(i => ids[i]).Take(20).ToList(), relevant);
            Add(pWatchName, Enumerable.Range(0, ids.Length).OrderByDescending(i => p[i]).Select(i => ids[i]).Take(20).ToList(), relevant);
            // Diagnostic of the logged-exposure gap: P(watched next) = P(shown) x P(watch | shown). The ranker
            // estimates the second factor; the first is the logging policy's, estimated by the video's share of
            // the impressions before the cut (add-one smoothed). Imported data has no impressions (widened pools), so
            // there it would only repeat the first output's order.
            if (widen is null)
            {
                Add("ranker_x_exposure", Enumerable.Range(0, ids.Length).OrderByDescending(i => p[i] * (shown[ids[i]] + 1.0)).Select(i => ids[i]).Take(20).ToList(), relevant);
            }

            if (served is { } servedModel)
            {
                // What serving orders: the generated candidates only, by the served network's expected watch time.
                var servedIds = generated.Select(c => c.VideoIndex).ToArray();
                var servedP = new float[servedIds.Length];
                var servedT = new float[servedIds.Length];
                servedModel.Score(context, request, servedIds, impression, trending, servedP, servedT);
                Add(servedModel.Name, Enumerable.Range(0, servedIds.Length).OrderByDescending(i => servedT[i]).Select(i => servedIds[i]).Take(20).ToList(), relevant);
            }

            var byRetrieval = ids.OrderByDescending(v => RetrievalScore(v, generated, request.UserVector, model)).Take(20).ToList();
            Add("retrieval_only", byRetrieval, relevant);
            var popular = popularity.Where(request.Allows).Take(20).ToList();
            Add("most_popular", popular, relevant);
            coverage?.Add(ids, [.. popular.Take(10)], relevant);
            if (itemKnn is not null)
            {
                Add("item_knn", itemKnn.Recommend(request.RecentVideoIndexes, 20, request.Allows), relevant);
            }

            if (oracle.IsAvailable)
            {
                var best = oracle.Ranking(user, request.Now, 20 + request.Excluded.Count)
                    .Select(id => videos.TryGetIndex(id, out var v) ? v : -1).Where(v => v >= 0 && request.Allows(v)).Take(20).ToList();
                Add("oracle", best, relevant);
            }
        }

        foreach (var (name, l) in perUserNdcgAt10 is null ? [] : lists)
        {
            perUserNdcgAt10![name] = [.. l.Select(x => RankingMetrics.NdcgAtK(x.Ranked, x.Relevant, 10))];
        }

        return lists.ToDictionary(kv => kv.Key, kv => Summarise(kv.Value, videos.Count, kv.Key == "ranker" ? rankerAuc : null), StringComparer.Ordinal);
    }

    /// <summary>AUC and log-loss of both heads on the impressions after the cut.</summary>
    public static HeadMetrics Heads(RankerExamples test, Ranking.OnnxRanker ranker)
    {
        var p = new float[test.Count];
        var t = new float[test.Count];
        const int chunk = 1000;
        for (var start = 0; start < test.Count; start += chunk)
        {
            var rows = Math.Min(chunk, test.Count - start);
            ranker.Score(test.Dense.AsSpan(start * test.DenseFeatures, rows * test.DenseFeatures), test.Categorical.AsSpan(start * test.Fields, rows * test.Fields), rows,
                p.AsSpan(start, rows), t.AsSpan(start, rows));
        }

        var labels = test.Watched.Select(w => w > 0.5f).ToList();
        var watchProb = p.Select(x => (double)x).ToList();
        // The watch-time head's logit is log-odds with positives weighted by watch seconds; as a probability
        // of "watched" it is e^z / (1 + e^z) = t / (1 + t).
        var watchTimeProb = t.Select(x => float.IsPositiveInfinity(x) ? 1.0 : x / (1.0 + x)).ToList();
        return new HeadMetrics(
            test.Count,
            labels.Count(l => l) / (double)Math.Max(1, labels.Count),
            RankingMetrics.Auc(watchProb, labels),
            RankingMetrics.LogLoss(watchProb, labels),
            RankingMetrics.Auc(t.Select(x => (double)x).ToList(), labels),
            RankingMetrics.LogLoss(watchTimeProb, labels));
    }

    /// <summary>The user-video dot product; without a user vector, the trending score of a generated candidate (0 for the others).</summary>
    private static float RetrievalScore(int video, IReadOnlyList<Candidate> generated, float[]? userVector, RetrievalModel model) =>
        userVector is not null
            ? System.Numerics.Tensors.TensorPrimitives.Dot<float>(userVector, model.ItemVector(video))
            : generated.FirstOrDefault(c => c.VideoIndex == video) is { } c && c.ProposedBy(CandidateSourceKind.Trending) ? c.ScoreFrom(CandidateSourceKind.Trending) : 0f;

    private static SlateMetrics Summarise(List<(IReadOnlyList<int> Ranked, HashSet<int> Relevant)> lists, int catalog, double? auc)
    {
        double Mean(Func<(IReadOnlyList<int> Ranked, HashSet<int> Relevant), double> metric) => lists.Count == 0 ? 0 : lists.Average(metric);
        var covered = lists.SelectMany(l => l.Ranked.Take(20)).Distinct().Count();
        return new SlateMetrics(
            Mean(l => RankingMetrics.NdcgAtK(l.Ranked, l.Relevant, 10)),
            Mean(l => RankingMetrics.NdcgAtK(l.Ranked, l.Relevant, 20)),
            Mean(l => RankingMetrics.RecallAtK(l.Ranked, l.Relevant, 10)),
            Mean(l => RankingMetrics.RecallAtK(l.Ranked, l.Relevant, 20)),
            Mean(l => RankingMetrics.AveragePrecisionAtK(l.Ranked, l.Relevant, 20)),
            (double)covered / Math.Max(1, catalog),
            auc);
    }
}
