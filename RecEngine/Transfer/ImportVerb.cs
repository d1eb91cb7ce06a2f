using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Events.Import;
using RecEngine.Features.Images;
using RecEngine.Hosting;
using Microsoft.Extensions.Options;

namespace RecEngine.Transfer;

/// <summary>
/// <c>import videos|users|events --file F --format csv|jsonl|parquet</c> (<see cref="FileImporter"/>), and
/// <c>import movielens --ratings FILE [--movies FILE]</c>. While a server holds the data directory, files go through
/// its HTTP API.
/// </summary>
internal sealed class ImportVerb(
    MovieLensImporter movieLens,
    FileImporter files,
    CatalogService catalog,
    EventValidator validator,
    EventStore events,
    RecEngineStore store,
    DataDirectory dataDir,
    ThumbnailStore thumbnails,
    IOptions<ThumbnailOptions> thumbnailOptions,
    IOptions<RecEngineOptions> options) : IVerb
{
    public string Name => "import";

    public string Summary => "Import videos, users or events from CSV, JSONL or Parquet (columns are the API's JSON keys), or MovieLens ratings.";

    public string Usage => "videos|users|events --file FILE [--format csv|jsonl|parquet] [--max-errors N]  |  movielens --ratings FILE [--movies FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("file", "the file to import (videos, users, events)"),
        new("format", "csv, jsonl or parquet; by default from the file's extension"),
        new("ratings", "movielens: ratings.csv (userId,movieId,rating,timestamp) or u.data (tab-separated)"),
        new("movies", "movielens: movies.csv (movieId,title,genres) or u.item (pipe-separated, Latin-1)"),
        new("max-errors", "bad rows reported before the import stops (any bad row fails a file import; MovieLens skips them)", "100"),
    ];

    public string? ServerAlternative => null;

    public async Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        switch (command.Positionals)
        {
            case ["movielens"]:
                return await ImportMovieLensAsync(command, cancellationToken);
            case ["videos"]:
                return await ImportFileAsync(
                    new VideoImport(catalog, thumbnails, thumbnailOptions.Value, Path.GetDirectoryName(Path.GetFullPath(command.GetString("file") ?? ".")) ?? "."),
                    command,
                    cancellationToken);
            case ["users"]:
                return await ImportFileAsync(new UserImport(catalog), command, cancellationToken);
            case ["events"]:
                return await ImportFileAsync(new EventImport(validator, events), command, cancellationToken);
            default:
                throw new VerbUsageException("Say what to import: 'import videos', 'import users', 'import events' or 'import movielens'.");
        }
    }

    /// <summary>The format named by --format, else by the file's extension.</summary>
    internal static TransferFormat FormatOf(CommandLine command, string file)
    {
        var name = command.GetString("format") ?? Path.GetExtension(file).TrimStart('.');
        return name.ToLowerInvariant() switch
        {
            "csv" => TransferFormat.Csv,
            "jsonl" or "ndjson" => TransferFormat.Jsonl,
            "parquet" => TransferFormat.Parquet,
            _ => throw new VerbUsageException($"--format must be csv, jsonl or parquet; got '{name}'."),
        };
    }

    private async Task<int> ImportFileAsync<T>(IImportKind<T> kind, CommandLine command, CancellationToken cancellationToken)
        where T : class, new()
    {
        var file = command.GetString("file") ?? throw new VerbUsageException("--file FILE is required.");
        if (!File.Exists(file))
        {
            throw new VerbUsageException($"File not found: {file}");
        }

        var format = FormatOf(command, file);
        var request = new FileImportRequest(file, format, command.GetInt("max-errors", 100, min: 0, max: 1_000_000), Server(), ApiKey());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        FileImportResult result;
        try
        {
            result = await ProgressDisplay.RunAsync($"Importing {kind.Name}" + (request.Server is null ? "" : $" through {request.Server}"),
                progress => Task.Run(() => files.ImportAsync(kind, request, progress, cancellationToken), cancellationToken));
        }
        catch (TransferFileException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (Exception ex) when (ex is ImportServerException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"Import through the server failed: {ex.Message}");
            return 1;
        }

        if (result.Failed)
        {
            foreach (var error in result.Errors.Take(request.MaxErrors))
            {
                await Console.Error.WriteLineAsync($"{file}:{error.Line}: {error.Field}: {error.Message}");
            }

            var more = result.Errors.Count > request.MaxErrors ? $" More than {request.MaxErrors} bad rows; stopped at line {result.Errors[^1].Line}." : "";
            await Console.Error.WriteLineAsync($"{result.Errors.Count} bad row(s) in {file}; nothing was imported.{more}");
            return 2;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var (fresh, again) = kind.Name == "events" ? ("new", "already stored") : ("created", "replaced");
        Console.WriteLine($"Imported {result.Rows:N0} {kind.Name}: {result.New:N0} {fresh}, {result.Existing:N0} {again} ({result.Rows / Math.Max(seconds, 1e-3):N0} rows/s).");
        return 0;
    }

    /// <summary>The server holding the data directory, or null when this process can open the store itself.</summary>
    private Uri? Server()
    {
        try
        {
            _ = store.Database;
            return null;
        }
        catch (StoreLockedException ex) when (!string.IsNullOrEmpty(ex.ServerUrl))
        {
            return new Uri(ex.ServerUrl.Split(';')[0].Replace("://+:", "://localhost:", StringComparison.Ordinal).Replace("://*:", "://localhost:", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal).Replace("://[::]:", "://localhost:", StringComparison.Ordinal));
        }
    }

    private string? ApiKey() => string.IsNullOrEmpty(options.Value.IngestApiKey) ? options.Value.AdminApiKey : options.Value.IngestApiKey;

    private async Task<int> ImportMovieLensAsync(CommandLine command, CancellationToken cancellationToken)
    {
        var ratings = command.GetString("ratings") ?? throw new VerbUsageException("--ratings FILE is required.");
        var movies = command.GetString("movies");
        foreach (var file in new[] { ratings, movies }.OfType<string>())
        {
            if (!File.Exists(file))
            {
                throw new VerbUsageException($"File not found: {file}");
            }
        }

        try
        {
            _ = store.Database;
        }
        catch (StoreLockedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync("While the server runs, use its endpoints instead: POST /v1/events (batches of up to 10,000) with PUT /v1/videos and PUT /v1/users" +
                (ex.ServerUrl is null ? "" : $" on {ex.ServerUrl}") + $", or stop it (data directory {dataDir.Root}).");
            return 3;
        }

        var request = new MovieLensImportRequest(ratings, movies, command.GetInt("max-errors", 100, min: 0));
        try
        {
            var result = await ProgressDisplay.RunAsync("Importing MovieLens", progress => Task.Run(
                () => movieLens.Import(request, new ProgressDisplay.SyncProgress<ImportProgress>(p => progress.Report(
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
