using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// Time-decayed watch counts at a moment: each watch before it adds 2^(-age / half-life). In a temporal split what
/// is popular just before a user's cut predicts what they rate next better than all-time counts when popularity
/// moves. Only events strictly before the start of the hour of the moment count (the hour is the cache key), so a
/// user's own held-out events, and anything after their cut, never do.
/// </summary>
public sealed class DecayedPopularity(List<InteractionEvent> timeOrdered, VideoSnapshot videos)
{
    /// <summary>Half-lives of the counts, shortest first: a day and a week.</summary>
    public static readonly TimeSpan[] HalfLives = [TimeSpan.FromDays(1), TimeSpan.FromDays(7)];

    /// <summary>Watches older than this many half-lives add less than 2^-10 each: left out.</summary>
    private const int HalfLivesKept = 10;

    /// <summary>Cached hours kept before the cache is cleared (each holds one float per video and half-life).</summary>
    private const int MaxCached = 512;

    private readonly Dictionary<DateTime, float[][]> _cache = [];

    /// <summary>Per half-life, the decayed watches of every video index at the start of <paramref name="now"/>'s hour.</summary>
    public float[][] At(DateTime now)
    {
        var hour = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        if (_cache.TryGetValue(hour, out var counts))
        {
            return counts;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        counts = [.. HalfLives.Select(_ => new float[videos.Count])];
        var from = hour - (HalfLives[^1] * HalfLivesKept);
        for (var i = TimeOrderedSearch.FirstAtOrAfter(timeOrdered, from); i < timeOrdered.Count && timeOrdered[i].Timestamp < hour; i++)
        {
            var ev = timeOrdered[i];
            if (ev.Type != EventType.Watch || !videos.TryGetIndex(ev.VideoId, out var v))
            {
                continue;
            }

            var ageSeconds = (hour - ev.Timestamp).TotalSeconds;
            for (var h = 0; h < HalfLives.Length; h++)
            {
                counts[h][v] += (float)Math.Pow(2, -ageSeconds / HalfLives[h].TotalSeconds);
            }
        }

        _cache[hour] = counts;
        return counts;
    }
}
