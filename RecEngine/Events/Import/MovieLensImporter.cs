using System.Text;
using RecEngine.Catalog;

namespace RecEngine.Events.Import;

/// <summary>What to import and how strict to be.</summary>
internal sealed record MovieLensImportRequest(string RatingsPath, string? MoviesPath, int MaxErrors = 100, int ChunkSize = 10_000);

internal sealed record ImportProgress(string File, long BytesRead, long TotalBytes, long Rows);

internal sealed record LineError(string File, long Line, string Message);

internal sealed record MovieLensImportResult(int Movies, int Users, long Events, IReadOnlyList<LineError> Errors);

/// <summary>Too many malformed lines: the import stopped and wrote nothing more.</summary>
internal sealed class ImportFailedException(string message, IReadOnlyList<LineError> errors) : Exception(message)
{
    public IReadOnlyList<LineError> Errors { get; } = errors;
}

/// <summary>
/// Streams MovieLens files into the store through the bulk path, in chunks. The mapping (see README):
/// user <c>U</c> becomes <c>ml-uU</c>, movie <c>M</c> becomes video <c>ml-mM</c> (first genre as category,
/// all genres as tags, the year parsed out of the title), and each rating becomes one event
/// <c>ml-U-M</c> at the rating's time: a <c>watch</c> of (rating / 5) x the duration, or a <c>skip</c> below 2 stars.
/// Ids are derived from the file, so importing again stores nothing twice.
/// </summary>
internal sealed class MovieLensImporter(CatalogService catalog, EventStore events, TimeProvider time)
{
    /// <summary>MovieLens has no runtimes; a feature film is taken as 100 minutes.</summary>
    public const double MovieDurationSeconds = 6000;

    /// <summary>Ratings below this many stars become skips rather than watches.</summary>
    public const double SkipBelowStars = 2;

    private static readonly DateTime NoYearUpload = new(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public MovieLensImportResult Import(MovieLensImportRequest request, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var errors = new List<LineError>();
        var knownMovies = new HashSet<string>(StringComparer.Ordinal);
        var movieCount = 0;
        if (request.MoviesPath is not null)
        {
            movieCount = ImportMovies(request, knownMovies, errors, progress, cancellationToken);
        }

        var (users, eventCount) = ImportRatings(request, knownMovies, errors, progress, cancellationToken);
        return new MovieLensImportResult(movieCount, users, eventCount, errors);
    }

    public static string UserId(string movieLensUser) => "ml-u" + movieLensUser;

    public static string VideoId(string movieLensMovie) => "ml-m" + movieLensMovie;

    public static InteractionEvent ToEvent(MovieLensRating rating)
    {
        var fraction = rating.Rating / 5.0;
        return new InteractionEvent
        {
            EventId = $"ml-{rating.UserId}-{rating.MovieId}",
            UserId = UserId(rating.UserId),
            VideoId = VideoId(rating.MovieId),
            Type = rating.Rating < SkipBelowStars ? EventType.Skip : EventType.Watch,
            WatchSeconds = Math.Round(fraction * MovieDurationSeconds, 1),
            Timestamp = rating.Timestamp,
            Hour = rating.Timestamp.Hour,
        };
    }

    public static Video ToVideo(MovieLensMovie movie, DateTime utcNow) => new()
    {
        Id = VideoId(movie.MovieId),
        Title = movie.Title,
        Category = movie.Genres.Count > 0 ? Slug(movie.Genres[0]) : "unknown",
        Tags = movie.Genres.Select(Slug).Take(32).ToArray(),
        CreatorId = "movielens",
        DurationSeconds = MovieDurationSeconds,
        UploadedAt = movie.Year is { } y && y >= 1870 && new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Utc) <= utcNow
            ? new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Utc)
            : NoYearUpload,
        Available = true,
    };

    private int ImportMovies(MovieLensImportRequest request, HashSet<string> known, List<LineError> errors, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var path = request.MoviesPath!;
        var latin1 = path.EndsWith(".item", StringComparison.OrdinalIgnoreCase);
        var now = time.GetUtcNow().UtcDateTime;
        var chunk = new List<Video>(request.ChunkSize);
        var count = 0;
        foreach (var (line, number, bytes, total) in ReadLines(path, latin1 ? Encoding.Latin1 : Encoding.UTF8))
        {
            ct.ThrowIfCancellationRequested();
            if (number == 1 && MovieLensFormat.IsCsvMoviesHeader(line))
            {
                continue;
            }

            var movie = latin1 ? MovieLensFormat.ParseMovie100K(line, out var error) : MovieLensFormat.ParseMovieCsv(line, out error);
            if (movie is null)
            {
                Reject(request, errors, path, number, error!);
                continue;
            }

            if (known.Add(movie.MovieId))
            {
                chunk.Add(ToVideo(movie, now));
                count++;
            }

            if (chunk.Count >= request.ChunkSize)
            {
                catalog.UpsertVideos(chunk);
                chunk.Clear();
                progress?.Report(new ImportProgress(path, bytes, total, count));
            }
        }

        catalog.UpsertVideos(chunk);
        progress?.Report(new ImportProgress(path, 1, 1, count));
        return count;
    }

    private (int Users, long Events) ImportRatings(MovieLensImportRequest request, HashSet<string> knownMovies, List<LineError> errors, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var path = request.RatingsPath;
        var latest = time.GetUtcNow().UtcDateTime + CatalogValidation.ClockSkew;
        var seenUsers = new HashSet<string>(StringComparer.Ordinal);
        var newUsers = new List<User>();
        var newVideos = new List<Video>();
        var chunk = new List<InteractionEvent>(request.ChunkSize);
        long eventCount = 0;

        void Flush()
        {
            // Users and videos first, so every stored event refers to something that exists.
            catalog.UpsertUsers(newUsers);
            catalog.UpsertVideos(newVideos);
            events.InsertNewBulk(chunk);
            eventCount += chunk.Count;
            newUsers.Clear();
            newVideos.Clear();
            chunk.Clear();
        }

        foreach (var (line, number, bytes, total) in ReadLines(path, Encoding.UTF8))
        {
            ct.ThrowIfCancellationRequested();
            if (number == 1 && MovieLensFormat.IsCsvRatingsHeader(line))
            {
                continue;
            }

            var rating = MovieLensFormat.ParseRating(line, out var error);
            if (rating is null || rating.Value.Timestamp > latest)
            {
                Reject(request, errors, path, number, error ?? "timestamp is in the future");
                continue;
            }

            var r = rating.Value;
            if (seenUsers.Add(r.UserId))
            {
                newUsers.Add(new User
                {
                    Id = UserId(r.UserId),
                    Country = "ZZ",
                    Device = "desktop",
                    AgeBucket = "unknown",
                    SignedUpAt = r.Timestamp,
                });
            }

            if (knownMovies.Add(r.MovieId))
            {
                // Rated but absent from the movies file (or no movies file): a placeholder keeps the event valid.
                newVideos.Add(ToVideo(new MovieLensMovie(r.MovieId, $"Movie {r.MovieId}", null, []), latest));
            }

            chunk.Add(ToEvent(r));
            if (chunk.Count >= request.ChunkSize)
            {
                Flush();
                progress?.Report(new ImportProgress(path, bytes, total, eventCount));
            }
        }

        Flush();
        progress?.Report(new ImportProgress(path, 1, 1, eventCount));
        return (seenUsers.Count, eventCount);
    }

    private static void Reject(MovieLensImportRequest request, List<LineError> errors, string path, long line, string message)
    {
        errors.Add(new LineError(path, line, message));
        if (errors.Count > request.MaxErrors)
        {
            throw new ImportFailedException(
                $"More than {request.MaxErrors} malformed lines; stopped at {Path.GetFileName(path)} line {line} ({message}). " +
                "Nothing after it was written; chunks before it were, and importing again is idempotent.", errors);
        }
    }

    /// <summary>Lines with their 1-based numbers and how far into the file they are, for progress.</summary>
    private static IEnumerable<(string Line, long Number, long Bytes, long Total)> ReadLines(string path, Encoding encoding)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            yield return (line, number, stream.Position, stream.Length);
        }
    }

    private static string Slug(string genre) => genre.Trim().ToLowerInvariant().Replace(' ', '-').Replace("'", "", StringComparison.Ordinal);
}
