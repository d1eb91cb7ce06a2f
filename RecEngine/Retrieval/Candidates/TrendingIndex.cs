using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// Decayed recent popularity: each event adds its engagement weight times 2^(-age / half-life), so yesterday's
/// hit fades unless it keeps being watched. Keeps the top videos overall and per category, built off the hot
/// path from an event window.
/// </summary>
internal sealed class TrendingIndex
{
    private readonly Proposal[] _overall;
    private readonly Proposal[][] _byCategory;
    private readonly float[] _scores;
    private readonly int[] _impressions;
    private readonly int[] _watches;

    private TrendingIndex(Proposal[] overall, Proposal[][] byCategory, float[] scores, int[] impressions, int[] watches, DateTime builtAt)
    {
        _overall = overall;
        _byCategory = byCategory;
        _scores = scores;
        _impressions = impressions;
        _watches = watches;
        BuiltAt = builtAt;
        WatchRate = impressions.Sum(x => (long)x) is var shown and > 0 ? watches.Sum(x => (long)x) / (double)shown : 0;
    }

    public DateTime BuiltAt { get; }

    public static TrendingIndex Empty(VideoSnapshot videos) =>
        new([], videos.Categories.Select(_ => Array.Empty<Proposal>()).ToArray(), new float[videos.Count], new int[videos.Count], new int[videos.Count], DateTime.MinValue);

    /// <summary>Watches per impression over the whole window (0 without impressions): the prior of <see cref="SmoothedWatchRate"/>.</summary>
    public double WatchRate { get; }

    /// <summary>Impressions of a video in the window (undecayed): how much the platform showed it.</summary>
    public int Impressions(int videoIndex) => (uint)videoIndex < (uint)_impressions.Length ? _impressions[videoIndex] : 0;

    /// <summary>Watch events of a video in the window (undecayed).</summary>
    public int Watches(int videoIndex) => (uint)videoIndex < (uint)_watches.Length ? _watches[videoIndex] : 0;

    /// <summary>
    /// The video's watches per impression shrunk toward the window's rate with <paramref name="priorImpressions"/>
    /// pseudo-impressions (a Beta prior; additive smoothing), so a video shown twice does not score 0 or 1.
    /// </summary>
    public double SmoothedWatchRate(int videoIndex, double priorImpressions = 20) =>
        (Watches(videoIndex) + priorImpressions * WatchRate) / (Impressions(videoIndex) + priorImpressions);

    /// <summary>A video's trending score relative to the top video (0-1); 0 when it had no engagement.</summary>
    public float Score(int videoIndex) => (uint)videoIndex < (uint)_scores.Length ? _scores[videoIndex] : 0f;

    /// <summary>Engagement weight of one event: watches by watched fraction, explicit signals more.</summary>
    public static float Weight(InteractionEvent ev, float durationSeconds) => ev.Type switch
    {
        EventType.Watch => 1f + Math.Clamp((float)ev.WatchSeconds / Math.Max(durationSeconds, 1f), 0f, 1f),
        EventType.Like => 2f,
        EventType.Share => 3f,
        EventType.Click => 0.5f,
        _ => 0f,
    };

    public static TrendingIndex Build(IEnumerable<InteractionEvent> events, VideoSnapshot videos, DateTime now, TimeSpan halfLife, int keepOverall = 2000, int keepPerCategory = 300)
    {
        var scores = new double[videos.Count];
        var impressions = new int[videos.Count];
        var watches = new int[videos.Count];
        var lambda = Math.Log(2) / halfLife.TotalSeconds;
        foreach (var ev in events)
        {
            if (!videos.TryGetIndex(ev.VideoId, out var v))
            {
                continue;
            }

            if (ev.Type == EventType.Impression)
            {
                impressions[v]++;
            }
            else if (ev.Type == EventType.Watch)
            {
                watches[v]++;
            }

            var w = Weight(ev, videos.DurationSeconds[v]);
            if (w > 0)
            {
                var age = Math.Max(0, (now - ev.Timestamp).TotalSeconds);
                scores[v] += w * Math.Exp(-lambda * age);
            }
        }

        var ranked = Enumerable.Range(0, videos.Count).Where(v => scores[v] > 0).OrderByDescending(v => scores[v]).ThenBy(v => v).ToArray();
        var top = ranked.Length > 0 ? scores[ranked[0]] : 1;
        var byCategory = new List<Proposal>[videos.Categories.Length];
        for (var c = 0; c < byCategory.Length; c++)
        {
            byCategory[c] = [];
        }

        foreach (var v in ranked)
        {
            var list = byCategory[videos.CategoryIndex[v]];
            if (list.Count < keepPerCategory)
            {
                list.Add(new Proposal(v, (float)(scores[v] / top)));
            }
        }

        var overall = ranked.Take(keepOverall).Select(v => new Proposal(v, (float)(scores[v] / top))).ToArray();
        var relative = scores.Select(x => (float)(x / top)).ToArray();
        return new TrendingIndex(overall, byCategory.Select(l => l.ToArray()).ToArray(), relative, impressions, watches, now);
    }

    /// <summary>Trending overall, or merged from the requested categories' own lists.</summary>
    public IEnumerable<Proposal> Ranked(IReadOnlySet<int> categories) =>
        categories.Count == 0
            ? _overall
            : categories.Where(c => c >= 0 && c < _byCategory.Length).SelectMany(c => _byCategory[c]).OrderByDescending(p => p.Score);
}
