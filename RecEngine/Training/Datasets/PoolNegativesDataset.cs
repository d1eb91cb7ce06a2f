using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Evaluation;

using RecEngine.Training.Network;
using RecEngine.Training.Export;
namespace RecEngine.Training.Datasets;

/// <summary>
/// Ranking examples for data without impressions (ratings or watches only), shaped like serving: for each user of a
/// per-user split, the request at their cut, the candidates the serving generator (<see cref="CandidateGenerator.Standard(RetrievalModel, TrendingIndex, CandidateOptions)"/>)
/// proposes from the split's training part, the videos they watched next as positives, and a sample of the other
/// candidates as negatives: examples from the distribution the ranker will score (Covington et al. 2016, section 4,
/// where the ranker sees what candidate generation proposed). Positives the generator did not propose are left out,
/// as are videos from outside the pool: the ranker never orders those, and learning them teaches it mostly that
/// popular videos get watched. Every feature comes from the split's training part; only the labels from its held-out part.
/// </summary>
internal static class PoolNegativesDataset
{
    /// <summary>Negatives per user sampled from their candidates (64 beat 24 and matched 128 on a validation split of ml-latest-small's training part; docs/decisions).</summary>
    public const int PoolNegatives = 64;

    /// <param name="split">Features come from its training part, labels from its targets.</param>
    /// <param name="watchSeconds">Watch seconds of each (user, video) target, for the watch-time head.</param>
    /// <param name="model">Retrieval trained on the split's training part only.</param>
    /// <param name="besideImpressions">
    /// The examples join logged impressions. Then they name no device and stand at UTC's hour: they are what the user
    /// watched next among everything retrieval offered, not showings, and the network tells the two apart by the
    /// context a showing carries, which serving names (the user's device). Alone (imported ratings, watches without
    /// slates) they carry the context serving scores with, as every other example would.
    /// </param>
    public static RankerDataset Build(
        TemporalSplit split,
        IReadOnlyDictionary<(string User, int Video), double> watchSeconds,
        VideoSnapshot videos,
        RetrievalModel model,
        CandidateOptions options,
        int seed = 17,
        int maxUsers = int.MaxValue,
        bool besideImpressions = false,
        CancellationToken cancellationToken = default)
    {
        var data = new RankerDataset();
        var trendingAt = new TrendingAtCuts(split, videos, options);
        var trending = TrendingIndex.Empty(videos);
        var generator = CandidateGenerator.Standard(() => model, () => trending, options);
        var rng = new Random(seed);
        var timeUnit = Math.Max(1, videos.DurationSeconds.Average());
        var numeric = new double[RankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var users = split.Targets.Keys.OrderBy(Features.Spec.FeatureHashing.Fnv1a64).ThenBy(u => u, StringComparer.Ordinal).Take(maxUsers).Order(StringComparer.Ordinal);
        foreach (var user in users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var positives = split.Targets[user];
            trending = trendingAt.For(user);
            var request = split.RequestFor(user, model, videos);
            var pool = generator.Generate(request);
            var history = split.Histories.GetValueOrDefault(user) ?? new UserFeatures { UserId = user };
            var context = UserContext.Build(history, model, videos, request.UserVector, request.CoWatchScores(model.CoWatch));
            // Every example stands at its own user's cut, at position 0 and example age 0, as serving scores.
            var impression = ImpressionContext.Serving(request.Now, null, besideImpressions ? null : history);
            void Add(int video, bool positive)
            {
                RankingFeatures.Raw(context, video, impression, videos, model, trending, numeric, categorical);
                data.Numeric.Add((double[])numeric.Clone());
                data.Categorical.Add((string?[])categorical.Clone());
                var text = new string?[RankingFeatures.TextCount];
                RankingFeatures.Text(video, videos, text);
                data.Text.Add(text);
                data.Impressions.Add((impression.At, impression.Position, impression.Device));
                data.Watched.Add(positive ? 1 : 0);
                // Watch time in units of the catalog's mean duration, so a positive weighs its watch time against a
                // negative's 1 (Covington et al. 2016, section 4.1) without outweighing it thousands of times.
                data.WatchSeconds.Add(positive ? (float)(watchSeconds.GetValueOrDefault((user, video), timeUnit) / timeUnit) : 0);
                data.Users.Add(user);
                data.Videos.Add(video);
            }

            // Only positives among the candidates: the ranker only ever orders candidates, and a watch retrieval did
            // not propose teaches it about videos it will never see (mostly: that popular ones get watched).
            var proposed = pool.Select(c => c.VideoIndex).ToHashSet();
            foreach (var video in positives.Where(proposed.Contains).Order())
            {
                Add(video, positive: true);
            }

            // A partial Fisher-Yates shuffle picks the pool's negatives without replacement.
            var others = pool.Select(c => c.VideoIndex).Where(v => !positives.Contains(v)).ToArray();
            var take = Math.Min(PoolNegatives, others.Length);
            for (var i = 0; i < take; i++)
            {
                var j = rng.Next(i, others.Length);
                (others[i], others[j]) = (others[j], others[i]);
                Add(others[i], positive: false);
            }
        }

        return data;
    }

    /// <summary>Watch seconds of each user's watches among <paramref name="events"/> selected by <paramref name="isLabel"/> (the longest per video).</summary>
    public static Dictionary<(string User, int Video), double> WatchSeconds(IReadOnlyList<InteractionEvent> events, Func<int, bool> isLabel, VideoSnapshot videos)
    {
        var seconds = new Dictionary<(string User, int Video), double>();
        for (var i = 0; i < events.Count; i++)
        {
            var ev = events[i];
            if (isLabel(i) && ev.Type == EventType.Watch && videos.TryGetIndex(ev.VideoId, out var v))
            {
                seconds[(ev.UserId, v)] = Math.Max(seconds.GetValueOrDefault((ev.UserId, v)), ev.WatchSeconds);
            }
        }

        return seconds;
    }
}
