using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Training.Evaluation;

namespace RecEngine.Lifecycle;

/// <summary>
/// One explored impression after the cut: who saw which video, whether they watched it from that slate, and for how
/// many seconds (at least one when watched).
/// </summary>
internal readonly record struct ExploredImpression(string UserId, string VideoId, bool Watched, double WatchSeconds = 0);

/// <summary>
/// A model's score on the explored impressions (<see cref="Auc"/>: its serving order), the same with its candidates in
/// retrieval order (<see cref="RetrievalOrderAuc"/>, a diagnostic of retrieval alone), and the popularity baseline's on
/// the same impressions.
/// </summary>
internal sealed record ExplorationScore(double Auc, double RetrievalOrderAuc, double MostPopularAuc, int Users, int Impressions, int Watched)
{
    /// <summary>Other orders of the same impressions, for diagnosis (named as the registry records them).</summary>
    public IReadOnlyDictionary<string, double> Diagnostics { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// Exploration validation: models are compared only on the impressions the serving pipeline's exploration drew
/// uniformly at random (<see cref="InteractionEvent.Explored"/>) in the held-out slice. Those videos were chosen
/// independently of every model, so neither the serving model (which chose the rest of what was shown, and hence most
/// of what could be watched) nor the candidate gets a head start: with a uniform logging policy an unweighted average
/// over the logged events is an unbiased estimate (Li, Chu, Langford &amp; Wang, "Unbiased offline evaluation of
/// contextual-bandit-based news article recommendation algorithms", WSDM 2011).
/// <para>
/// Each explored impression gets the place the model would have given the video in its serving order at the cut:
/// the model's retrieval proposes <see cref="HeldOutValidationOptions.ExplorationCandidates"/> candidates for the user's history
/// up to the cut, its ranker orders them by expected watch time (as serving orders), and the video's score is
/// 2 - rank / candidates when it is among them, else 0 (a video retrieval does not propose is never shown). The
/// metric is the AUC of that score against "watched from this slate", pooled over impressions, with each watched
/// impression weighted by its watch seconds: the probability that a watched explored video, drawn in proportion to
/// how long it was watched, sits higher in the model's order than an unwatched one. The order serves expected watch
/// time, so a ten-minute watch it ranks low costs it more than a ten-second one (docs/decisions/0001). Ranks, not raw
/// scores, so users are on one scale; retrieval counts, which replay validation misses. The impressions are too few
/// per user for per-user ranking metrics at a 10% share, hence pooled.
/// </para>
/// </summary>
internal static class ExplorationValidation
{
    /// <summary>The metric's name in validation records and reasons.</summary>
    public const string Metric = "explore_watch_time_auc";

    /// <summary>
    /// The explored impressions at or after <paramref name="cut"/>, each labelled by the watches from the same slate
    /// (their seconds summed, each at least one).
    /// </summary>
    public static List<ExploredImpression> Collect(IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut)
    {
        var watched = new Dictionary<(string Request, string Video), double>();
        foreach (var e in timeOrdered)
        {
            if (e.Timestamp >= cut && e.Type == EventType.Watch && e.RequestId is { } request)
            {
                watched[(request, e.VideoId)] = watched.GetValueOrDefault((request, e.VideoId)) + RankingMetrics.WatchGain(e.WatchSeconds);
            }
        }

        var explored = new List<ExploredImpression>();
        foreach (var e in timeOrdered)
        {
            if (e.Timestamp >= cut && e.Type == EventType.Impression && e.Explored == true)
            {
                var seconds = e.RequestId is { } request ? watched.GetValueOrDefault((request, e.VideoId)) : 0;
                explored.Add(new ExploredImpression(e.UserId, e.VideoId, seconds > 0, seconds));
            }
        }

        return explored;
    }

    /// <summary>
    /// Scores <paramref name="snapshot"/> on <paramref name="explored"/> (at most <see cref="HeldOutValidationOptions.ExplorationUsers"/>
    /// users, chosen by id so every model gets the same ones); null when those hold no watched or no unwatched impression.
    /// </summary>
    public static ExplorationScore? Evaluate(
        ServingSnapshot snapshot, IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut, IReadOnlyList<ExploredImpression> explored, CandidateOptions candidates, HeldOutValidationOptions options)
    {
        var byUser = explored.GroupBy(x => x.UserId, StringComparer.Ordinal)
            .OrderBy(g => FeatureHashing.Fnv1a64(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(options.ExplorationUsers).ToList();
        var videos = snapshot.Videos;
        var model = snapshot.Retrieval;
        var split = TemporalSplit.Create(timeOrdered, videos, cut);
        var trendingAt = new TrendingAtCuts(split, videos, candidates);
        var trending = TrendingIndex.Empty(videos);
        var generator = CandidateGenerator.Standard(() => model, () => trending, candidates);
        var popularity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in split.Train)
        {
            if (e.Type == EventType.Watch)
            {
                popularity[e.VideoId] = popularity.GetValueOrDefault(e.VideoId) + 1;
            }
        }

        var scores = new List<double>();
        var retrievalOrder = new List<double>();
        var placedTime = new List<double>();
        var placedP = new List<double>();
        var placedTimeOnly = new List<double>();
        var dot = new List<double>();
        var popular = new List<double>();
        var labels = new List<bool>();
        var seconds = new List<double>();
        foreach (var user in byUser)
        {
            trending = trendingAt.For(user.Key);
            var request = split.RequestFor(user.Key, model, videos);
            var pool = generator.Generate(request, options.ExplorationCandidates).Select(c => c.VideoIndex).ToArray();
            var inPool = pool.ToHashSet();
            // The ranker also scores the explored videos retrieval left out: where it would have placed them among the pool.
            var outside = user.Select(x => videos.TryGetIndex(x.VideoId, out var v) ? v : -1).Where(v => v >= 0 && !inPool.Contains(v)).Distinct().ToArray();
            var ids = pool.Concat(outside).ToArray();
            var pWatch = new float[ids.Length];
            var watchTime = new float[ids.Length];
            var features = split.Histories.GetValueOrDefault(user.Key) ?? new UserFeatures { UserId = user.Key };
            var context = UserContext.Build(features, model, videos);
            if (ids.Length > 0)
            {
                var impression = ImpressionContext.Serving(request.Now, null, features);
                snapshot.Scorer.Score(context, ids, impression, videos, model, trending, pWatch, watchTime);
            }

            var row = new Dictionary<int, int>(ids.Length);
            for (var i = 0; i < ids.Length; i++)
            {
                row[ids[i]] = i;
            }

            var poolTimes = watchTime.AsSpan(0, pool.Length).ToArray();
            var poolP = pWatch.AsSpan(0, pool.Length).ToArray();
            Array.Sort(poolTimes);
            Array.Sort(poolP);

            var served = Ranks(pool, Enumerable.Range(0, pool.Length).OrderByDescending(i => watchTime[i]).ThenBy(i => i));
            var retrieved = Ranks(pool, Enumerable.Range(0, pool.Length));
            foreach (var x in user)
            {
                // A video this model's catalog does not know, or its retrieval does not propose, could not have been shown: 0.
                var known = videos.TryGetIndex(x.VideoId, out var v);
                scores.Add(known && served.TryGetValue(v, out var rank) ? 2 - ((double)rank / pool.Length) : 0);
                retrievalOrder.Add(known && retrieved.TryGetValue(v, out var at) ? 2 - ((double)at / pool.Length) : 0);
                var tier = known && inPool.Contains(v) ? 1.0 : 0.0;
                placedTime.Add(known ? tier + Placed(poolTimes, watchTime[row[v]]) : -1);
                placedP.Add(known ? tier + Placed(poolP, pWatch[row[v]]) : -1);
                placedTimeOnly.Add(known ? Placed(poolTimes, watchTime[row[v]]) : -1);
                dot.Add(known && request.UserVector is { } u ? model.ItemDot(u, v) : -1e9);
                popular.Add(popularity.GetValueOrDefault(x.VideoId));
                labels.Add(x.Watched);
                seconds.Add(x.WatchSeconds);
            }
        }

        var watched = labels.Count(l => l);
        if (watched == 0 || watched == labels.Count)
        {
            return null;
        }

        double Auc(List<double> score) => RankingMetrics.Auc(score, labels, seconds);
        return new ExplorationScore(Auc(scores), Auc(retrievalOrder), Auc(popular), byUser.Count, labels.Count, watched)
        {
            Diagnostics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["placed_watch_time"] = Auc(placedTime),
                ["placed_p_watch"] = Auc(placedP),
                ["ranker_watch_time_only"] = Auc(placedTimeOnly),
                ["embedding_dot"] = Auc(dot),
            },
        };
    }

    /// <summary>The share of <paramref name="sortedPool"/> (ascending) at or below <paramref name="value"/>: 1 = above every candidate.</summary>
    private static double Placed(float[] sortedPool, float value)
    {
        if (sortedPool.Length == 0)
        {
            return 0;
        }

        var i = Array.BinarySearch(sortedPool, value);
        var below = i >= 0 ? i + 1 : ~i;
        return (double)below / sortedPool.Length;
    }

    /// <summary>Each candidate's place (0 = first) in the given order of pool positions.</summary>
    private static Dictionary<int, int> Ranks(int[] pool, IEnumerable<int> order)
    {
        var ranks = new Dictionary<int, int>(pool.Length);
        var rank = 0;
        foreach (var i in order)
        {
            ranks[pool[i]] = rank++;
        }

        return ranks;
    }
}
