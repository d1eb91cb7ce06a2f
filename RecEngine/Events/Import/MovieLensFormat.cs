using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RecEngine.Events.Import;

/// <summary>One parsed line of a MovieLens ratings file.</summary>
internal readonly record struct MovieLensRating(string UserId, string MovieId, double Rating, DateTime Timestamp);

/// <summary>One parsed line of a MovieLens movies file.</summary>
internal sealed record MovieLensMovie(string MovieId, string Title, int? Year, IReadOnlyList<string> Genres);

/// <summary>
/// Line parsers for the two MovieLens layouts: ml-latest (<c>ratings.csv</c>, <c>movies.csv</c>, comma-separated
/// with a header and quoted titles) and ml-100k (<c>u.data</c> tab-separated, <c>u.item</c> pipe-separated with 19
/// genre flags, Latin-1). Each parser returns null and an error message for a malformed line.
/// </summary>
internal static partial class MovieLensFormat
{
    /// <summary>The genre flag columns of ml-100k's u.item, in file order.</summary>
    public static readonly string[] Genres100K =
    [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ];

    public static bool IsCsvRatingsHeader(string line) => line.StartsWith("userId,movieId,rating,timestamp", StringComparison.OrdinalIgnoreCase);

    public static bool IsCsvMoviesHeader(string line) => line.StartsWith("movieId,title,genres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>userId,movieId,rating,timestamp</c> or <c>user \t item \t rating \t timestamp</c>.</summary>
    public static MovieLensRating? ParseRating(string line, out string? error)
    {
        var parts = line.Contains('\t', StringComparison.Ordinal) ? line.Split('\t') : line.Split(',');
        if (parts.Length != 4)
        {
            error = $"expected 4 fields (user, movie, rating, timestamp), found {parts.Length}";
            return null;
        }

        if (!IsId(parts[0]) || !IsId(parts[1]))
        {
            error = "user and movie ids must be positive integers";
            return null;
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) || rating is < 0 or > 5)
        {
            error = $"rating '{parts[2]}' is not a number from 0 to 5";
            return null;
        }

        if (!long.TryParse(parts[3].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > 32503680000)
        {
            error = $"timestamp '{parts[3]}' is not Unix seconds";
            return null;
        }

        error = null;
        return new MovieLensRating(parts[0].Trim(), parts[1].Trim(), rating, DateTime.UnixEpoch.AddSeconds(seconds));
    }

    /// <summary>Parses a movies.csv line: <c>movieId,title,genres</c>, the title possibly quoted.</summary>
    public static MovieLensMovie? ParseMovieCsv(string line, out string? error)
    {
        var fields = SplitCsv(line);
        if (fields is null || fields.Count != 3)
        {
            error = "expected 3 comma-separated fields (movieId, title, genres)";
            return null;
        }

        var genres = fields[2] == "(no genres listed)" ? [] : fields[2].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Movie(fields[0], fields[1], genres, out error);
    }

    /// <summary>Parses a u.item line: id | title | release date | video date | URL | 19 genre flags.</summary>
    public static MovieLensMovie? ParseMovie100K(string line, out string? error)
    {
        var parts = line.Split('|');
        if (parts.Length != 5 + Genres100K.Length)
        {
            error = $"expected {5 + Genres100K.Length} '|'-separated fields, found {parts.Length}";
            return null;
        }

        var flags = parts[5..];
        if (flags.Any(f => f.Trim() is not ("0" or "1")))
        {
            error = "genre flags must be 0 or 1";
            return null;
        }

        var genres = Genres100K.Where((_, g) => flags[g].Trim() == "1").ToArray();
        return Movie(parts[0], parts[1], genres, out error);
    }

    private static MovieLensMovie? Movie(string id, string rawTitle, IReadOnlyList<string> genres, out string? error)
    {
        if (!IsId(id))
        {
            error = "movie id must be a positive integer";
            return null;
        }

        if (string.IsNullOrWhiteSpace(rawTitle))
        {
            error = "title is empty";
            return null;
        }

        var (title, year) = SplitTitle(rawTitle);
        error = null;
        return new MovieLensMovie(id.Trim(), title, year, genres);
    }

    /// <summary>"American President, The (1995)" becomes ("The American President", 1995).</summary>
    public static (string Title, int? Year) SplitTitle(string raw)
    {
        var title = raw.Trim();
        int? year = null;
        var match = YearSuffix().Match(title);
        if (match.Success)
        {
            year = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            title = match.Groups[1].Value.Trim();
        }

        var article = TrailingArticle().Match(title);
        if (article.Success)
        {
            title = $"{article.Groups[2].Value} {article.Groups[1].Value}";
        }

        return (title.Length > 300 ? title[..300] : title, year);
    }

    /// <summary>Splits one CSV record with RFC 4180 quoting; null when a quote is unbalanced.</summary>
    public static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static bool IsId(string s) => long.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0;

    [GeneratedRegex(@"^(.*?)\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")]
    private static partial Regex YearSuffix();

    [GeneratedRegex(@"^(.*), (The|A|An|Les|La|Le|L'|Il|Das|Der|Die|El)$")]
    private static partial Regex TrailingArticle();
}
