using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Training.Evaluation;

namespace RecEngine.Lifecycle;

/// <summary>One explored impression after the cut: who saw which video, and whether they watched it from that slate.</summary>
public readonly record struct ExploredImpression(string UserId, string VideoId, bool Watched);

/// <summary>A model's score on the explored impressions, and the popularity baseline's on the same impressions.</summary>
public sealed record ExplorationScore(double Auc, double MostPopularAuc, int Users, int Impressions, int Watched);

/// <summary>
/// Exploration validation: models are compared only on the impressions the serving pipeline's exploration drew
/// uniformly at random (<see cref="InteractionEvent.Explored"/>) in the held-out slice. Those videos were chosen
/// independently of every model, so neither the serving model (which chose the rest of what was shown, and hence most
/// of what could be watched) nor the candidate gets a head start: with a uniform logging policy an unweighted average
/// over the logged events is an unbiased estimate (Li, Chu, Langford &amp; Wang, "Unbiased offline evaluation of
/// contextual-bandit-based news article recommendation algorithms", WSDM 2011).
/// <para>
/// Each explored impression gets the model's score as serving would have scored it at the cut: whether the model's
/// retrieval (<see cref="LifecycleOptions.ValidationCandidates"/> candidates for the user's history up to the cut)
/// proposes the video, then the ranker's P(watch). The metric is the AUC of that score against "watched from this
/// slate", pooled over impressions: the probability that a watched explored video outranks an unwatched one.
/// Retrieval counts (a video outside the model's candidates ranks below every retrieved one), which replay
/// validation misses. The impressions are too few per user for per-user ranking metrics at a 10% share, hence pooled.
/// </para>
/// </summary>
public static class ExplorationValidation
{
    /// <summary>The metric's name in validation records and reasons.</summary>
    public const string Metric = "explore_auc";

    /// <summary>The explored impressions at or after <paramref name="cut"/>, each labelled by a watch from the same slate.</summary>
    public static List<ExploredImpression> Collect(IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut)
    {
        var watched = new HashSet<(string Request, string Video)>();
        foreach (var e in timeOrdered)
        {
            if (e.Timestamp >= cut && e.Type == EventType.Watch && e.RequestId is { } request)
            {
                watched.Add((request, e.VideoId));
            }
        }

        var explored = new List<ExploredImpression>();
        foreach (var e in timeOrdered)
        {
            if (e.Timestamp >= cut && e.Type == EventType.Impression && e.Explored == true)
            {
                explored.Add(new ExploredImpression(e.UserId, e.VideoId, e.RequestId is { } request && watched.Contains((request, e.VideoId))));
            }
        }

        return explored;
    }

    /// <summary>
    /// Scores <paramref name="snapshot"/> on <paramref name="explored"/> (at most <see cref="LifecycleOptions.ExplorationUsers"/>
    /// users, chosen by id so every model gets the same ones); null when those hold no watched or no unwatched impression.
    /// </summary>
    public static ExplorationScore? Evaluate(
        ServingSnapshot snapshot, IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut, IReadOnlyList<ExploredImpression> explored, CandidateOptions candidates, LifecycleOptions options)
    {
        var byUser = explored.GroupBy(x => x.UserId, StringComparer.Ordinal)
            .OrderBy(g => FeatureHashing.Fnv1a64(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(options.ExplorationUsers).ToList();
        var videos = snapshot.Videos;
        var model = snapshot.Retrieval;
        var split = TemporalSplit.Create(timeOrdered, videos, cut);
        var trendingAt = new TrendingAtCuts(split, videos, candidates);
        var trending = TrendingIndex.Empty(videos);
        var generator = new CandidateGenerator(
            [new PersonalSource(() => model), new ItemToItemSource(() => model, candidates.ItemToItemSeeds), new TrendingSource(() => trending), new FreshSource(candidates.FreshWindow, TimeSpan.FromDays(1))],
            candidates);
        var popularity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in split.Train)
        {
            if (e.Type == EventType.Watch)
            {
                popularity[e.VideoId] = popularity.GetValueOrDefault(e.VideoId) + 1;
            }
        }

        var scores = new List<double>();
        var popular = new List<double>();
        var labels = new List<bool>();
        foreach (var user in byUser)
        {
            trending = trendingAt.For(user.Key);
            var request = split.RequestFor(user.Key, model, videos);
            var pool = generator.Generate(request, options.ValidationCandidates).Select(c => c.VideoIndex).ToHashSet();
            var known = user.Where(x => videos.TryGetIndex(x.VideoId, out _)).ToList();
            var ids = known.Select(x => videos.TryGetIndex(x.VideoId, out var v) ? v : -1).ToArray();
            var pWatch = new float[ids.Length];
            var watchTime = new float[ids.Length];
            if (ids.Length > 0)
            {
                var features = split.Histories.GetValueOrDefault(user.Key) ?? new UserFeatures { UserId = user.Key };
                var context = UserContext.Build(features, model, videos);
                var impression = new ImpressionContext(request.Now, 0, null, request.Now.Hour, 0);
                snapshot.Scorer.Score(context, ids, impression, videos, model, trending, pWatch, watchTime);
            }

            for (var i = 0; i < known.Count; i++)
            {
                // Retrieved first (2 + p), then the rest by the ranker alone (p in [0, 1]).
                scores.Add((pool.Contains(ids[i]) ? 2.0 : 0.0) + Math.Clamp(pWatch[i], 0f, 1f));
                popular.Add(popularity.GetValueOrDefault(known[i].VideoId));
                labels.Add(known[i].Watched);
            }

            // A video this model's catalog does not know: it could not have been recommended, so it ranks last.
            foreach (var unknown in user.Where(x => !videos.TryGetIndex(x.VideoId, out _)))
            {
                scores.Add(-1);
                popular.Add(popularity.GetValueOrDefault(unknown.VideoId));
                labels.Add(unknown.Watched);
            }
        }

        var watched = labels.Count(l => l);
        if (watched == 0 || watched == labels.Count)
        {
            return null;
        }

        return new ExplorationScore(RankingMetrics.Auc(scores, labels), RankingMetrics.Auc(popular, labels), byUser.Count, labels.Count, watched);
    }
}
