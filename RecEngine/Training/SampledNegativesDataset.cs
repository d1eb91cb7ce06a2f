using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training;

/// <summary>
/// Ranking examples for data without impressions (MovieLens): each chosen watch is a positive with its watch
/// seconds, each chosen skip a negative, and each positive brings <c>negatives</c> videos the user never
/// interacted with, drawn with probability proportional to watches^exponent (the noise distribution of negative
/// sampling, Mikolov et al. 2013, section 2.2, who use 0.75; <see cref="PopularitySampler.DefaultExponent"/> is 1):
/// popular videos the user passed over are the informative negatives. Every example of a user's session shares the features the
/// user had when the session began (no leakage from the events it predicts).
/// </summary>
public static class SampledNegativesDataset
{
    /// <summary>Events of one user closer than this belong to one session and share one context.</summary>
    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    /// <param name="timeOrdered">All events to replay, in time order.</param>
    /// <param name="isExample">Which events (by index) become examples; the others only build history.</param>
    public static RankerDataset Build(
        IReadOnlyList<InteractionEvent> timeOrdered,
        Func<int, bool> isExample,
        VideoSnapshot videos,
        RetrievalModel? model,
        DateTime windowEnd,
        CandidateOptions candidates,
        int negatives = 4,
        double exponent = PopularitySampler.DefaultExponent,
        int seed = 17,
        CancellationToken cancellationToken = default)
    {
        var data = new RankerDataset();
        var interacted = Interacted(timeOrdered, videos);
        var sampler = PopularitySampler.Build(timeOrdered, videos, exponent);
        var rng = new Random(seed);
        var users = new Dictionary<string, UserFeatureBuilder>(StringComparer.Ordinal);
        var sessions = new Dictionary<string, (DateTime Last, UserContext Context)>(StringComparer.Ordinal);
        var trending = TrendingIndex.Empty(videos);
        var trendingDay = DateTime.MinValue;
        var trendingStart = 0;
        var numeric = new double[RankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];

        for (var i = 0; i < timeOrdered.Count; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var ev = timeOrdered[i];
            if (!users.TryGetValue(ev.UserId, out var builder))
            {
                users[ev.UserId] = builder = new UserFeatureBuilder(ev.UserId);
            }

            if (isExample(i) && ev.Type is EventType.Watch or EventType.Skip && videos.TryGetIndex(ev.VideoId, out var video))
            {
                var day = ev.Timestamp.Date;
                if (day != trendingDay)
                {
                    // Trending as serving would have had it: rebuilt daily from the preceding window.
                    while (trendingStart < i && timeOrdered[trendingStart].Timestamp < day - candidates.TrendingWindow)
                    {
                        trendingStart++;
                    }

                    // Only events before midnight: this may be the day's first example, not its first event.
                    var trendingEnd = i;
                    while (trendingEnd > trendingStart && timeOrdered[trendingEnd - 1].Timestamp >= day)
                    {
                        trendingEnd--;
                    }

                    trending = TrendingIndex.Build(Slice(timeOrdered, trendingStart, trendingEnd), videos, day, candidates.TrendingHalfLife);
                    trendingDay = day;
                }

                if (!sessions.TryGetValue(ev.UserId, out var session) || ev.Timestamp - session.Last > SessionGap)
                {
                    session.Context = UserContext.Build(builder.Build(), model, videos);
                }

                sessions[ev.UserId] = (ev.Timestamp, session.Context);
                var impression = new ImpressionContext(ev.Timestamp, 0, ev.Device, ev.Hour, Math.Max(0, (windowEnd - ev.Timestamp).TotalHours));
                var positive = ev.Type == EventType.Watch;
                Add(data, session.Context, video, impression, videos, model, trending, numeric, categorical, ev.UserId, positive ? (float)ev.WatchSeconds : -1);
                if (positive)
                {
                    var seen = interacted[ev.UserId];
                    for (var n = 0; n < negatives; n++)
                    {
                        var negative = sampler.Draw(rng, v => !seen.Contains(v) && videos.UploadedAt[v] <= ev.Timestamp);
                        if (negative >= 0)
                        {
                            Add(data, session.Context, negative, impression, videos, model, trending, numeric, categorical, ev.UserId, -1);
                        }
                    }
                }
            }

            builder.Apply(ev);
        }

        return data;
    }

    /// <summary>Per user, every video they did anything with: never a negative for them.</summary>
    private static Dictionary<string, HashSet<int>> Interacted(IReadOnlyList<InteractionEvent> events, VideoSnapshot videos)
    {
        var result = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var ev in events)
        {
            if (!result.TryGetValue(ev.UserId, out var set))
            {
                result[ev.UserId] = set = [];
            }

            if (videos.TryGetIndex(ev.VideoId, out var v))
            {
                set.Add(v);
            }
        }

        return result;
    }

    /// <summary>Appends one example; <paramref name="watchSeconds"/> below zero marks a negative.</summary>
    private static void Add(RankerDataset data, UserContext user, int video, ImpressionContext impression, VideoSnapshot videos, RetrievalModel? model, TrendingIndex trending,
        double[] numeric, string?[] categorical, string userId, float watchSeconds)
    {
        RankingFeatures.Raw(user, video, impression, videos, model, trending, numeric, categorical);
        data.Numeric.Add((double[])numeric.Clone());
        data.Categorical.Add((string?[])categorical.Clone());
        var text = new string?[RankingFeatures.TextCount];
        RankingFeatures.Text(video, videos, text);
        data.Text.Add(text);
        data.Impressions.Add((impression.At, impression.Position, impression.Device));
        data.Watched.Add(watchSeconds >= 0 ? 1 : 0);
        data.WatchSeconds.Add(Math.Max(0, watchSeconds));
        data.Users.Add(userId);
        data.Videos.Add(video);
    }

    private static IEnumerable<InteractionEvent> Slice(IReadOnlyList<InteractionEvent> list, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            yield return list[i];
        }
    }
}
