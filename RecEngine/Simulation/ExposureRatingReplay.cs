using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>
/// The exposure rating model: replays the world's history and keeps one rating per user and video at the first
/// engagement. What users rate is what the logging policy showed them, so it follows popularity. The rating: a
/// watch is 2 + 3 x the watched fraction stars, half a star more when liked or shared; a skip (clicked, then
/// abandoned) is 1 star and a hide half a star, both of which import back as skips.
/// </summary>
internal static class ExposureRatingReplay
{
    public static List<SimulatedRating> Ratings(SimulatedWorld world, TextWriter? progress, CancellationToken cancellationToken)
    {
        var truth = world.Truth;
        var ratings = new Dictionary<(int User, int Video), (double Stars, DateTime At)>();
        for (var day = 0; day < truth.Days; day++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var ev in world.History.GenerateDay(day))
            {
                var user = truth.UserIndex(ev.UserId);
                var video = truth.VideoIndex(ev.VideoId);
                if (user < 0 || video < 0)
                {
                    continue;
                }

                var key = (user, video);
                var rated = ratings.TryGetValue(key, out var existing);
                if (ev.Type is EventType.Like or EventType.Share)
                {
                    if (rated)
                    {
                        ratings[key] = (Math.Min(5, existing.Stars + 0.5), existing.At);
                    }
                }
                else if (Stars(ev, truth.DurationSeconds[video]) is { } stars)
                {
                    // One rating per user and movie: the first engagement's time, the strongest signal.
                    ratings[key] = rated ? (Math.Max(existing.Stars, stars), existing.At) : (stars, ev.Timestamp);
                }
            }

            progress?.WriteLine($"  day {day + 1}/{truth.Days}: {ratings.Count:N0} ratings");
        }

        return [.. ratings.Select(kv => new SimulatedRating(kv.Key.User, kv.Key.Video, kv.Value.Stars, kv.Value.At))];
    }

    /// <summary>The stars an event stands for, or null for events that are no rating (impressions, clicks, likes and shares, which add to a watch's).</summary>
    public static double? Stars(InteractionEvent ev, float durationSeconds) => ev.Type switch
    {
        EventType.Watch => Math.Round(2 * (2 + (3 * Math.Clamp(ev.WatchSeconds / Math.Max(1, durationSeconds), 0, 1)))) / 2,
        EventType.Skip => 1,
        EventType.Hide => 0.5,
        _ => null,
    };
}
