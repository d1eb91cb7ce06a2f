using RecEngine.Hosting;

namespace RecEngine.Events.Import;

/// <summary><c>import movielens --ratings FILE [--movies FILE]</c>.</summary>
internal sealed class ImportVerb(MovieLensImporter importer) : IVerb
{
    public string Name => "import";

    public string Summary => "Import MovieLens ratings (ml-latest ratings.csv/movies.csv or ml-100k u.data/u.item) as users, videos and events.";

    public string Usage => "movielens --ratings FILE [--movies FILE] [--max-errors N]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("ratings", "ratings.csv (userId,movieId,rating,timestamp) or u.data (tab-separated)"),
        new("movies", "movies.csv (movieId,title,genres) or u.item (pipe-separated, Latin-1)"),
        new("max-errors", "malformed lines skipped (and reported) before the import fails", "100"),
    ];

    public string? ServerAlternative => "POST /v1/events (batches of up to 10,000) with PUT /v1/videos/{id} and PUT /v1/users/{id}";

    public async Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        if (command.Positionals is not ["movielens"])
        {
            throw new VerbUsageException("Say what to import: 'import movielens'.");
        }

        var ratings = command.GetString("ratings") ?? throw new VerbUsageException("--ratings FILE is required.");
        var movies = command.GetString("movies");
        foreach (var file in new[] { ratings, movies }.OfType<string>())
        {
            if (!File.Exists(file))
            {
                throw new VerbUsageException($"File not found: {file}");
            }
        }

        var request = new MovieLensImportRequest(ratings, movies, command.GetInt("max-errors", 100, min: 0));
        try
        {
            var result = await ProgressDisplay.RunAsync("Importing MovieLens", progress => Task.Run(
                () => importer.Import(request, new ProgressDisplay.SyncProgress<ImportProgress>(p => progress.Report(
                    new ProgressUpdate(p.TotalBytes == 0 ? 1 : (double)p.BytesRead / p.TotalBytes, $"{Path.GetFileName(p.File)}: {p.Rows:N0} rows"))), cancellationToken),
                cancellationToken));
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"{error.File}:{error.Line}: skipped: {error.Message}");
            }

            Console.WriteLine($"Imported {result.Movies:N0} movies, {result.Users:N0} users, {result.Events:N0} events; skipped {result.Errors.Count} malformed lines.");
            return 0;
        }
        catch (ImportFailedException ex)
        {
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync($"{error.File}:{error.Line}: {error.Message}");
            }

            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }
}
