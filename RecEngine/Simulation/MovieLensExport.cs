using System.Globalization;
using System.Text;

namespace RecEngine.Simulation;

/// <summary>What a MovieLens export wrote.</summary>
internal sealed record MovieLensExportResult(int Users, int Movies, long Ratings, RatingSummary Summary);

/// <summary>
/// Writes a simulated world as ml-latest files (<c>ratings.csv</c>: userId,movieId,rating,timestamp;
/// <c>movies.csv</c>: movieId,title,genres), so real-data evaluation can be run on data with known structure.
/// Which movies each user rates, and how, is the rating model's (<see cref="TasteRatingChoice"/> or
/// <see cref="ExposureRatingReplay"/>). Only what MovieLens records survives: one rating per user and movie, no
/// impressions, devices, creators or durations. Ids are the world's indexes plus one.
/// </summary>
internal static class MovieLensExport
{
    public static MovieLensExportResult Write(SimulatedWorld world, MovieLensRatingModel model, TasteRatingParameters taste, string directory, TextWriter? progress, CancellationToken cancellationToken)
    {
        var ratings = model == MovieLensRatingModel.Taste
            ? new TasteRatingChoice(world.Behaviour, taste).Ratings(cancellationToken)
            : ExposureRatingReplay.Ratings(world, progress, cancellationToken);
        var truth = world.Truth;
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(false);
        using (var writer = new StreamWriter(Path.Combine(directory, "ratings.csv"), false, utf8))
        {
            writer.Write("userId,movieId,rating,timestamp\n");
            foreach (var rating in ratings.OrderBy(r => r.User).ThenBy(r => r.Video))
            {
                var seconds = (long)(rating.At - DateTime.UnixEpoch).TotalSeconds;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{rating.User + 1},{rating.Video + 1},{rating.Stars:0.0},{seconds}\n"));
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

        var summary = RatingSummary.Of(ratings);
        return new MovieLensExportResult(summary.Users, truth.VideoCount, ratings.Count, summary);
    }

    private static string Quote(string field) =>
        field.Contains(',', StringComparison.Ordinal) || field.Contains('"', StringComparison.Ordinal)
            ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : field;
}
