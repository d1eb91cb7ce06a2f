using RecEngine.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;
using RecEngine.Training.Evaluation;

namespace RecEngine.Evaluation;

/// <summary>
/// Top-k metrics of one ordering for the evaluated users; <see cref="WatchTimeNdcgAt20"/> is NDCG@20 with each held-out
/// watch's seconds as its gain (the others count a watch as a watch); <see cref="OracleShare"/> only where the world
/// has a ground truth.
/// </summary>
internal sealed record SlateMetrics(double NdcgAt10, double NdcgAt20, double RecallAt10, double RecallAt20, double MapAt20, double Coverage, double? OracleShare)
{
    public double WatchTimeNdcgAt20 { get; init; }
}

/// <summary>The harness's answer: metrics per row, and per-user NDCG@10 for paired comparisons.</summary>
internal sealed record PipelineReport(int Users, IReadOnlyDictionary<string, SlateMetrics> Models, IReadOnlyDictionary<string, List<double>> PerUserNdcgAt10)
{
    /// <summary>The margin of <c>served</c> over each baseline, paired by user.</summary>
    public Dictionary<string, PairedMargin> ServedMargins() => PairedMargin.Against(PipelineEvaluation.Served, PerUserNdcgAt10);
}

/// <summary>
/// The one offline harness: a model version's own serving snapshot run through the serving stages
/// (<see cref="SlateReplay"/>: Retrieve, Filter, Score, Order; no exploration, no deadline) for each held-out user
/// at their cut, with the user's features replayed from the training part and trending as of the cut. The
/// <c>served</c> row is what <c>GET /v1/recommendations</c> would have answered. Beside it: <c>retrieval_only</c> (the
/// same filtered candidates by the user-video dot product, or in generator order without a user vector),
/// <c>co_watch_only</c> (an ablation: the same candidates by co-watch confidence alone),
/// <c>most_popular</c> (the training part's most watched), <c>item_knn</c> (cosine item-kNN), and on a synthetic
/// world <c>oracle</c> (its ground truth's best) and <c>random</c>. Every baseline skips what the user saw in
/// training. On a synthetic world each row also gets <see cref="SlateMetrics.OracleShare"/>: the ground truth's
/// expected watch time of its top <see cref="OracleShareK"/> over the oracle's, the measure that does not depend on
/// what the logging policy happened to show.
/// </summary>
internal static class PipelineEvaluation
{
    public const string Served = "served";

    /// <summary>The slate length the oracle share is taken over.</summary>
    public const int OracleShareK = 10;

    private const int Depth = 20;

    /// <summary>Users whose mean expected watch time orders <c>candidates_population_oracle</c>.</summary>
    private const int PopulationPanel = 100;

    public static PipelineReport Run(
        TemporalSplit split,
        VideoSnapshot videos,
        ServingSnapshot snapshot,
        IReadOnlyList<string> users,
        ServingOptions serving,
        CandidateOptions candidates,
        IRelevanceOracle oracle,
        ItemKnn? itemKnn,
        CancellationToken cancellationToken = default)
    {
        var replay = new SlateReplay(serving);
        var trendingAt = new TrendingAtCuts(split, videos, candidates);
        var popularity = split.Train.Where(e => e.Type == Events.EventType.Watch)
            .GroupBy(e => e.VideoId).Select(g => (Id: g.Key, Count: g.Count()))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => videos.TryGetIndex(x.Id, out var v) ? v : -1).Where(v => v >= 0).ToArray();
        var lists = new Dictionary<string, List<Scored>>(StringComparer.Ordinal);
        var withTruth = oracle.IsAvailable;
        // The population's expected watch time of each video at a cut, over a fixed sample of the evaluated users.
        var panel = users.Take(PopulationPanel).ToList();
        var population = new Dictionary<(int Video, DateTime At, string? Device), double>();
        foreach (var user in users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relevant = split.Targets[user];
            var gains = split.TargetSeconds[user];
            var now = split.CutFor(user);
            var features = split.Histories.GetValueOrDefault(user) ?? new UserFeatures { UserId = user };
            using var atCut = snapshot.WithTrending(trendingAt.For(user));
            var slate = replay.Run(atCut, features, now, Depth);
            var request = split.RequestFor(user, snapshot.Retrieval, videos);
            var rows = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal)
            {
                [Served] = SlateReplay.VideoIndexes(slate),
                ["retrieval_only"] = RetrievalOrder(slate, request).Take(Depth).ToList(),
                ["most_popular"] = popularity.Where(request.Allows).Take(Depth).ToList(),
                // Ablation: the same candidates by their co-watch score alone (what the ranker adds to that signal).
                ["co_watch_only"] = CoWatchOrder(slate, request).Take(Depth).ToList(),
            };
            if (itemKnn is not null)
            {
                rows["item_knn"] = itemKnn.Recommend(request.RecentVideoIndexes, Depth, request.Allows);
            }

            double? best = null;
            if (withTruth)
            {
                var ranking = oracle.Ranking(user, now, Depth + request.Excluded.Count)
                    .Select(id => videos.TryGetIndex(id, out var v) ? v : -1).Where(v => v >= 0 && request.Allows(v)).Take(Depth).ToList();
                rows["oracle"] = ranking;
                // Ablation: the pipeline's own candidates in the oracle's order, the best slate retrieval leaves the ranker.
                rows["candidates_oracle"] = CandidatesBy(slate, request, v => oracle.ExpectedSlateWatchSeconds(user, [videos.Ids[v]], now) ?? 0);
                // Ablation: the same candidates in the best order that is the same for every user (the oracle's
                // watch time averaged over a panel of users): what ordering by a video's general appeal can reach.
                rows["candidates_population_oracle"] = CandidatesBy(slate, request, v => PopulationWatch(v, now, null));
                // Ablation: the same over the panel, each of them on this user's usual device: the best order that
                // knows the device (short videos for phones, long ones for TVs) and nothing else of the user.
                if (oracle.UsualDevice(user) is { } device)
                {
                    rows["candidates_device_population_oracle"] = CandidatesBy(slate, request, v => PopulationWatch(v, now, device));
                }

                rows["random"] = RandomAllowed(videos, request, user);
                best = ExpectedWatch(oracle, user, ranking, videos, now);
            }

            foreach (var (name, ranked) in rows)
            {
                double? share = best is > 0 ? ExpectedWatch(oracle, user, ranked, videos, now) / best : null;
                if (!lists.TryGetValue(name, out var l))
                {
                    lists[name] = l = [];
                }

                l.Add(new Scored(ranked, relevant, gains, share));
            }
        }

        // The panel's mean expected watch time of the video, each on their own device or all on the one given.
        double PopulationWatch(int video, DateTime at, string? device)
        {
            if (!population.TryGetValue((video, at, device), out var seconds))
            {
                population[(video, at, device)] = seconds = panel.Average(u => oracle.ExpectedSlateWatchSeconds(u, [videos.Ids[video]], at, device) ?? 0);
            }

            return seconds;
        }

        var perUser = lists.ToDictionary(kv => kv.Key, kv => kv.Value.Select(x => RankingMetrics.NdcgAtK(x.Ranked, x.Relevant, 10)).ToList(), StringComparer.Ordinal);
        return new PipelineReport(users.Count, lists.ToDictionary(kv => kv.Key, kv => Summarise(kv.Value, videos.Count), StringComparer.Ordinal), perUser);
    }

    /// <summary>The filtered candidates by the user-video dot product (generator order without a user vector), minus what the user saw.</summary>
    private static IEnumerable<int> RetrievalOrder(SlateContext slate, CandidateRequest request)
    {
        var ids = slate.VideoIndexes.Where(request.Allows);
        if (request.UserVector is not { } u)
        {
            return ids;
        }

        var model = slate.Snapshot.Retrieval;
        return ids.OrderByDescending(v => model.ItemDot(u, v)).ThenBy(v => v);
    }

    /// <summary>The allowed candidates by <paramref name="seconds"/> (expected watch time), best first, the top <see cref="Depth"/>.</summary>
    private static List<int> CandidatesBy(SlateContext slate, CandidateRequest request, Func<int, double> seconds) =>
        [.. slate.VideoIndexes.Where(request.Allows).Select(v => (v, Seconds: seconds(v)))
            .OrderByDescending(x => x.Seconds).ThenBy(x => x.v).Select(x => x.v).Take(Depth)];

    private static IEnumerable<int> CoWatchOrder(SlateContext slate, CandidateRequest request)
    {
        var scores = request.CoWatchScores(slate.Snapshot.Retrieval.CoWatch);
        return slate.VideoIndexes.Where(request.Allows).OrderByDescending(v => scores.GetValueOrDefault(v)).ThenBy(v => v);
    }

    private static List<int> RandomAllowed(VideoSnapshot videos, CandidateRequest request, string user)
    {
        var rng = new Random((int)(Features.Spec.FeatureHashing.Fnv1a64(user) & 0x7FFFFFFF));
        var picked = new List<int>(Depth);
        for (var tries = 0; picked.Count < Depth && tries < Depth * 50; tries++)
        {
            var v = rng.Next(videos.Count);
            if (request.Allows(v) && !picked.Contains(v))
            {
                picked.Add(v);
            }
        }

        return picked;
    }

    private static double ExpectedWatch(IRelevanceOracle oracle, string user, IReadOnlyList<int> ranked, VideoSnapshot videos, DateTime at) =>
        oracle.ExpectedSlateWatchSeconds(user, [.. ranked.Take(OracleShareK).Select(v => videos.Ids[v])], at) ?? 0;

    /// <summary>One user's list in one row: what it ranked, what the user watched next (and for how long), and its oracle share.</summary>
    private readonly record struct Scored(IReadOnlyList<int> Ranked, HashSet<int> Relevant, Dictionary<int, double> Gains, double? Share);

    private static SlateMetrics Summarise(List<Scored> lists, int catalog)
    {
        double Mean(Func<Scored, double> metric) => lists.Count == 0 ? 0 : lists.Average(metric);
        var covered = lists.SelectMany(l => l.Ranked.Take(Depth)).Distinct().Count();
        var shares = lists.Where(l => l.Share is not null).Select(l => l.Share!.Value).ToList();
        return new SlateMetrics(
            Mean(l => RankingMetrics.NdcgAtK(l.Ranked, l.Relevant, 10)),
            Mean(l => RankingMetrics.NdcgAtK(l.Ranked, l.Relevant, 20)),
            Mean(l => RankingMetrics.RecallAtK(l.Ranked, l.Relevant, 10)),
            Mean(l => RankingMetrics.RecallAtK(l.Ranked, l.Relevant, 20)),
            Mean(l => RankingMetrics.AveragePrecisionAtK(l.Ranked, l.Relevant, 20)),
            (double)covered / Math.Max(1, catalog),
            shares.Count == 0 ? null : shares.Average())
        {
            WatchTimeNdcgAt20 = Mean(l => RankingMetrics.NdcgAtK(l.Ranked, l.Gains, 20)),
        };
    }
}
