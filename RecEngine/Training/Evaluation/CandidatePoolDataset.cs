using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// Ranking examples shaped like the evaluation itself: for each user of a temporal split, the request at their
/// cut, the <see cref="CandidatePool"/> built from the split's training part, the videos they watched next as
/// positives and a sample of the pool's other candidates as negatives (negatives matching the distribution the
/// ranker will score, as in Covington et al. 2016, section 4, where candidates come from the generator), plus a
/// few drawn uniformly from the catalog so the model still sees videos outside the pool. Every feature is
/// computed from the split's training part; only the labels come from its test part.
/// </summary>
public static class CandidatePoolDataset
{
    /// <summary>Negatives per user sampled from their pool.</summary>
    public const int PoolNegatives = 24;

    /// <summary>Negatives per user drawn uniformly from the catalog.</summary>
    public const int UniformNegatives = 4;

    /// <param name="split">Features come from its training part, labels from its targets.</param>
    /// <param name="watchSeconds">Watch seconds of each (user, video) target, for the watch-time head; 1 when absent.</param>
    /// <param name="users">Users to take examples from (all with targets when null).</param>
    public static RankerDataset Build(
        TemporalSplit split,
        IReadOnlyDictionary<(string User, int Video), double> watchSeconds,
        VideoSnapshot videos,
        RetrievalModel model,
        TrainingSplitSignals signals,
        CandidateOptions options,
        int poolSize,
        IReadOnlyList<string>? users = null,
        int seed = 17,
        CancellationToken cancellationToken = default)
    {
        var data = new RankerDataset();
        var trendingAt = new TrendingAtCuts(split, videos, options);
        var trending = TrendingIndex.Empty(videos);
        var generator = new CandidateGenerator(
            [new PersonalSource(() => model), new ItemToItemSource(() => model, options.ItemToItemSeeds), new TrendingSource(() => trending), new FreshSource(options.FreshWindow, TimeSpan.FromDays(1))],
            options);
        var rng = new Random(seed);
        var timeUnit = Math.Max(1, videos.DurationSeconds.Average());
        var numeric = new double[PoolRankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        foreach (var user in users ?? [.. split.Targets.Keys.Order(StringComparer.Ordinal)])
        {
            cancellationToken.ThrowIfCancellationRequested();
            var positives = split.Targets[user];
            trending = trendingAt.For(user);
            var request = split.RequestFor(user, model, videos);
            var pool = CandidatePool.Build(generator.Generate(request, poolSize), request, signals);
            var context = UserContext.Build(split.Histories.GetValueOrDefault(user) ?? new UserFeatures { UserId = user }, model, videos);
            var knn = PoolRankingFeatures.KnnScores(request, signals);
            // Example age 0, as the evaluation scores them: every example here stands at its user's own cut, and
            // the users being evaluated stand at theirs, not at the end of a training window (measured: the
            // P(watch) head's NDCG@10 0.108 with Covington's ages, 0.120 with 0).
            var impression = new ImpressionContext(request.Now, 0, null, request.Now.Hour, 0);
            void Add(int video, bool positive)
            {
                PoolRankingFeatures.Raw(context, video, impression, videos, model, trending, signals, knn, numeric, categorical);
                data.Numeric.Add((double[])numeric.Clone());
                data.Categorical.Add((string?[])categorical.Clone());
                var text = new string?[RankingFeatures.TextCount];
                RankingFeatures.Text(video, videos, text);
                data.Text.Add(text);
                data.Impressions.Add((impression.At, impression.Position, impression.Device));
                data.Watched.Add(positive ? 1 : 0);
                // Watch time in units of the catalog's mean duration: the watch-time head weighs a positive by its watch time
                // and a negative by 1 (Covington et al. 2016, section 4.1), so in seconds a positive would outweigh a negative
                // thousands of times and the head would call everything watched. A constant unit keeps its order.
                data.WatchSeconds.Add(positive ? (float)(watchSeconds.GetValueOrDefault((user, video), timeUnit) / timeUnit) : 0);
                data.Users.Add(user);
                data.Videos.Add(video);
            }

            foreach (var video in positives.Order())
            {
                Add(video, positive: true);
            }

            // A partial Fisher-Yates shuffle picks the pool's negatives without replacement.
            var others = pool.Where(v => !positives.Contains(v)).ToArray();
            var take = Math.Min(PoolNegatives, others.Length);
            for (var i = 0; i < take; i++)
            {
                var j = rng.Next(i, others.Length);
                (others[i], others[j]) = (others[j], others[i]);
                Add(others[i], positive: false);
            }

            for (var i = 0; i < UniformNegatives; i++)
            {
                var video = rng.Next(videos.Count);
                if (request.Allows(video) && !positives.Contains(video) && videos.UploadedAt[video] <= request.Now)
                {
                    Add(video, positive: false);
                }
            }
        }

        return data;
    }

    /// <summary>Watch seconds of each user's watches among <paramref name="events"/> selected by <paramref name="isLabel"/> (the longest per video).</summary>
    public static Dictionary<(string User, int Video), double> WatchSeconds(IReadOnlyList<Events.InteractionEvent> events, Func<int, bool> isLabel, VideoSnapshot videos)
    {
        var seconds = new Dictionary<(string User, int Video), double>();
        for (var i = 0; i < events.Count; i++)
        {
            var ev = events[i];
            if (isLabel(i) && ev.Type == Events.EventType.Watch && videos.TryGetIndex(ev.VideoId, out var v))
            {
                seconds[(ev.UserId, v)] = Math.Max(seconds.GetValueOrDefault((ev.UserId, v)), ev.WatchSeconds);
            }
        }

        return seconds;
    }
}
