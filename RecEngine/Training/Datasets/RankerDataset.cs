using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

using RecEngine.Training.Network;
using RecEngine.Training.Export;
namespace RecEngine.Training.Datasets;

/// <summary>
/// Ranking examples: every logged impression with its raw features as of that moment, labelled watched when
/// a watch of the same video follows in the same slate (same request id), with its watch seconds. Shown but
/// not watched is a negative.
/// </summary>
internal sealed class RankerDataset
{
    /// <summary>How many of the latest slates keep their user context while the window is replayed.</summary>
    internal const int RecentSlateContexts = 4096;

    public List<double[]> Numeric { get; } = [];

    public List<string?[]> Categorical { get; } = [];

    /// <summary>The video's texts (title, tags), in <see cref="RankingFeatures.Spec"/> order.</summary>
    public List<string?[]> Text { get; } = [];

    public List<float> Watched { get; } = [];

    public List<float> WatchSeconds { get; } = [];

    public List<string> Users { get; } = [];

    public List<int> Videos { get; } = [];

    /// <summary>Each impression's time, position and device, as logged.</summary>
    public List<(DateTime At, int Position, string? Device)> Impressions { get; } = [];

    /// <summary>Rows whose impression the serving pipeline explored (<see cref="InteractionEvent.Explored"/>): video and position drawn at random.</summary>
    public List<int> ExploredRows { get; } = [];

    public int Count => Watched.Count;

    /// <summary>Appends <paramref name="other"/>'s rows (features, labels, contexts), its explored rows shifted to their new places.</summary>
    public void Append(RankerDataset other)
    {
        var offset = Count;
        Numeric.AddRange(other.Numeric);
        Categorical.AddRange(other.Categorical);
        Text.AddRange(other.Text);
        Watched.AddRange(other.Watched);
        WatchSeconds.AddRange(other.WatchSeconds);
        Users.AddRange(other.Users);
        Videos.AddRange(other.Videos);
        Impressions.AddRange(other.Impressions);
        ExploredRows.AddRange(other.ExploredRows.Select(r => r + offset));
    }

    /// <summary>
    /// Replays <paramref name="timeOrdered"/> so user features and trending are what they were at each impression
    /// (no leakage from the future), emitting examples for impressions at or after <paramref name="from"/>.
    /// </summary>
    public static RankerDataset Build(
        IReadOnlyList<InteractionEvent> timeOrdered,
        VideoSnapshot videos,
        RetrievalModel? model,
        DateTime windowEnd,
        CandidateOptions candidates,
        DateTime? from = null,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var data = new RankerDataset();
        var users = new Dictionary<string, UserFeatureBuilder>(StringComparer.Ordinal);
        var contexts = new Dictionary<(string User, string Request), UserContext>();
        var contextOrder = new Queue<(string User, string Request)>();
        var bySlate = new Dictionary<(string User, string Video, string Request), int>();
        var lastShown = new Dictionary<(string User, string Video), int>();
        var trending = TrendingIndex.Empty(videos);
        var trendingDay = DateTime.MinValue;
        var trendingStart = 0;
        var numeric = new double[RankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var texts = new Dictionary<int, string?[]>();

        for (var i = 0; i < timeOrdered.Count; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report($"{i:N0}/{timeOrdered.Count:N0} events, {data.Count:N0} examples");
            }

            var ev = timeOrdered[i];
            var day = ev.Timestamp.Date;
            if (day != trendingDay)
            {
                // Trending as serving would have had it: rebuilt daily from the preceding window.
                while (trendingStart < i && timeOrdered[trendingStart].Timestamp < day - candidates.TrendingWindow)
                {
                    trendingStart++;
                }

                trending = TrendingIndex.Build(Slice(timeOrdered, trendingStart, i), videos, day, candidates.TrendingHalfLife);
                trendingDay = day;
            }

            if (!users.TryGetValue(ev.UserId, out var builder))
            {
                users[ev.UserId] = builder = new UserFeatureBuilder(ev.UserId);
            }

            if (videos.TryGetIndex(ev.VideoId, out var video))
            {
                if (ev.Type == EventType.Impression && (from is null || ev.Timestamp >= from))
                {
                    var request = ev.RequestId ?? ev.EventId;
                    if (!contexts.TryGetValue((ev.UserId, request), out var context))
                    {
                        // One context per slate, taken at its first impression: later outcomes of the slate must not leak in.
                        // A slate's impressions are logged together, so only the latest slates' contexts are kept
                        // (each holds the user's co-watch map; keeping all of them cost 1.5 GB at 1M videos).
                        contexts[(ev.UserId, request)] = context = UserContext.Build(builder.Build(), model, videos);
                        contextOrder.Enqueue((ev.UserId, request));
                        if (contextOrder.Count > RecentSlateContexts)
                        {
                            contexts.Remove(contextOrder.Dequeue());
                        }
                    }

                    var impression = new ImpressionContext(ev.Timestamp, ev.Position ?? 0, ev.Device, ev.Hour, Math.Max(0, (windowEnd - ev.Timestamp).TotalHours));
                    RankingFeatures.Raw(context, video, impression, videos, model, trending, numeric, categorical);
                    if (!texts.TryGetValue(video, out var text))
                    {
                        texts[video] = text = new string?[RankingFeatures.TextCount];
                        RankingFeatures.Text(video, videos, text);
                    }

                    var index = data.Add(numeric, categorical, text, ev.UserId, video);
                    data.Impressions.Add((ev.Timestamp, ev.Position ?? 0, ev.Device));
                    if (ev.Explored == true)
                    {
                        data.ExploredRows.Add(index);
                    }

                    if (ev.RequestId is not null)
                    {
                        bySlate[(ev.UserId, ev.VideoId, ev.RequestId)] = index;
                    }

                    lastShown[(ev.UserId, ev.VideoId)] = index;
                }
                else if (ev.Type == EventType.Watch)
                {
                    var found = ev.RequestId is not null
                        ? bySlate.TryGetValue((ev.UserId, ev.VideoId, ev.RequestId), out var example)
                        : lastShown.TryGetValue((ev.UserId, ev.VideoId), out example);
                    if (found)
                    {
                        data.Watched[example] = 1;
                        data.WatchSeconds[example] += (float)ev.WatchSeconds;
                    }
                }
            }

            builder.Apply(ev);
        }

        return data;
    }

    /// <summary>
    /// The rows of <paramref name="keep"/> (ascending, each once) as a new dataset sharing their arrays, explored rows
    /// renumbered to their new places.
    /// </summary>
    private RankerDataset Rows(IReadOnlyList<int> keep)
    {
        var subset = new RankerDataset();
        var explored = ExploredRows.ToHashSet();
        foreach (var row in keep)
        {
            if (explored.Contains(row))
            {
                subset.ExploredRows.Add(subset.Count);
            }

            subset.Numeric.Add(Numeric[row]);
            subset.Categorical.Add(Categorical[row]);
            subset.Text.Add(Text[row]);
            subset.Watched.Add(Watched[row]);
            subset.WatchSeconds.Add(WatchSeconds[row]);
            subset.Users.Add(Users[row]);
            subset.Videos.Add(Videos[row]);
            subset.Impressions.Add(Impressions[row]);
        }

        return subset;
    }

    /// <summary>
    /// At most <paramref name="maxPerUser"/> rows of each user, drawn uniformly (seeded), in their original order: a
    /// fixed number of examples per user weights users equally in the loss, so that the most active few do not
    /// dominate it (Covington, Adams and Sargin, "Deep Neural Networks for YouTube Recommendations", RecSys 2016).
    /// </summary>
    public RankerDataset CapPerUser(int maxPerUser, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerUser, 1);
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var row = 0; row < Count; row++)
        {
            if (!byUser.TryGetValue(Users[row], out var rows))
            {
                byUser[Users[row]] = rows = [];
            }

            rows.Add(row);
        }

        var random = new Random(seed);
        var keep = new List<int>(Count);
        foreach (var rows in byUser.Values)
        {
            if (rows.Count <= maxPerUser)
            {
                keep.AddRange(rows);
                continue;
            }

            // A partial Fisher-Yates shuffle picks maxPerUser of them.
            var picked = rows.ToArray();
            for (var i = 0; i < maxPerUser; i++)
            {
                var j = random.Next(i, picked.Length);
                (picked[i], picked[j]) = (picked[j], picked[i]);
            }

            keep.AddRange(picked.AsSpan(0, maxPerUser));
        }

        keep.Sort();
        return keep.Count == Count ? this : Rows(keep);
    }

    /// <summary>Appends a copy of example <paramref name="row"/> (oversampling); the copy shares its arrays, which training only reads.</summary>
    public void AppendCopy(int row)
    {
        Numeric.Add(Numeric[row]);
        Categorical.Add(Categorical[row]);
        Text.Add(Text[row]);
        Watched.Add(Watched[row]);
        WatchSeconds.Add(WatchSeconds[row]);
        Users.Add(Users[row]);
        Videos.Add(Videos[row]);
        Impressions.Add(Impressions[row]);
    }

    private int Add(double[] numeric, string?[] categorical, string?[] text, string user, int video)
    {
        Numeric.Add((double[])numeric.Clone());
        Categorical.Add((string?[])categorical.Clone());
        Text.Add(text);
        Watched.Add(0);
        WatchSeconds.Add(0);
        Users.Add(user);
        Videos.Add(video);
        return Watched.Count - 1;
    }

    private static IEnumerable<InteractionEvent> Slice(IReadOnlyList<InteractionEvent> list, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            yield return list[i];
        }
    }
}
