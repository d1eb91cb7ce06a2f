using System.Globalization;
using System.Text;
using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>What a MovieLens export wrote.</summary>
public sealed record MovieLensExportResult(int Users, int Movies, long Ratings);

/// <summary>
/// Writes a simulated world's history in the ml-latest layout (<c>ratings.csv</c>: userId,movieId,rating,timestamp;
/// <c>movies.csv</c>: movieId,title,genres), so real-data evaluation can be run on data with known structure.
/// Only what MovieLens records survives: one rating per user and video at the first engagement, no impressions,
/// devices, creators or durations. Ids are the world's indexes plus one. The rating: a watch is
/// 2 + 3 x the watched fraction stars, half a star more when liked or shared; a skip (clicked, then abandoned)
/// is 1 star and a hide half a star, both of which import back as skips.
/// </summary>
public static class MovieLensExport
{
    public static MovieLensExportResult Write(SimulatedWorld world, string directory, TextWriter? progress, CancellationToken cancellationToken)
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

        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(false);
        using (var writer = new StreamWriter(Path.Combine(directory, "ratings.csv"), false, utf8))
        {
            writer.Write("userId,movieId,rating,timestamp\n");
            foreach (var ((user, video), (stars, at)) in ratings.OrderBy(kv => kv.Key.User).ThenBy(kv => kv.Key.Video))
            {
                var seconds = (long)(at - DateTime.UnixEpoch).TotalSeconds;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{user + 1},{video + 1},{stars:0.0},{seconds}\n"));
            }
        }

        using (var writer = new StreamWriter(Path.Combine(directory, "movies.csv"), false, utf8))
        {
            writer.Write("movieId,title,genres\n");
            for (var video = 0; video < truth.VideoCount; video++)
            {
                var v = truth.ToVideo(video);
                var title = Quote($"{v.Title} ({v.UploadedAt.Year.ToString(CultureInfo.InvariantCulture)})");
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{video + 1},{title},{string.Join('|', v.Tags.Distinct())}\n"));
            }
        }

        return new MovieLensExportResult(ratings.Keys.Select(k => k.User).Distinct().Count(), truth.VideoCount, ratings.Count);
    }

    /// <summary>The stars an event stands for, or null for events that are no rating (impressions, clicks, likes and shares, which add to a watch's).</summary>
    public static double? Stars(InteractionEvent ev, float durationSeconds) => ev.Type switch
    {
        EventType.Watch => Math.Round(2 * (2 + (3 * Math.Clamp(ev.WatchSeconds / Math.Max(1, durationSeconds), 0, 1)))) / 2,
        EventType.Skip => 1,
        EventType.Hide => 0.5,
        _ => null,
    };

    private static string Quote(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal)
            ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : field;
}
