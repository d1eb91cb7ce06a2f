using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Transfer;

/// <summary>An import: which file, its format, how many bad rows to report before stopping, and the server to go through, if any.</summary>
internal sealed record FileImportRequest(string File, TransferFormat Format, int MaxErrors = 100, Uri? Server = null, string? ApiKey = null);

/// <summary>A row that did not parse or validate, by its line in the file (the row number in Parquet).</summary>
internal sealed record RowError(long Line, string Field, string Message);

/// <summary>What an import did: rows read, rows newly stored, rows that were already stored (replaced, or duplicate events).</summary>
internal sealed record FileImportResult(long Rows, long New, long Existing, IReadOnlyList<RowError> Errors, bool ThroughServer)
{
    public bool Failed => Errors.Count > 0;
}

/// <summary>The server refused or failed a chunk during the write pass.</summary>
internal sealed class ImportServerException(string message) : Exception(message);

/// <summary>
/// Imports a file of videos, users or events in two passes. The first reads the whole file and checks every row
/// against the API's rules (events against the catalog too, through the server's dry run when one holds the store);
/// any bad row fails the import before anything is written, reporting up to <see cref="FileImportRequest.MaxErrors"/>
/// rows by line. The second pass stores the rows in chunks of <see cref="CatalogValidation.MaxBatchSize"/>: catalog
/// rows replace what has their id, events already stored by id are skipped, so running an import again is idempotent.
/// </summary>
internal sealed class FileImporter(TimeProvider time)
{
    public const int ChunkSize = CatalogValidation.MaxBatchSize;

    private static readonly JsonSerializerOptions Json = new(ServiceDefaults.Json) { WriteIndented = false };

    public async Task<FileImportResult> ImportAsync<T>(IImportKind<T> kind, FileImportRequest request, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
        where T : class, new()
    {
        using var http = request.Server is { } server ? Client(server, request.ApiKey) : null;
        var (rows, errors) = await CheckAsync(kind, request, http, progress, cancellationToken);
        if (errors.Count > 0)
        {
            return new FileImportResult(rows, 0, 0, errors, http is not null);
        }

        long created = 0, existing = 0, written = 0;
        var now = time.GetUtcNow().UtcDateTime;
        var chunk = new List<T>(ChunkSize);
        async Task FlushAsync()
        {
            var (n, e) = http is null ? kind.Store(chunk, now) : await SendAsync(kind, http, chunk, dryRun: false, cancellationToken);
            await kind.AfterStoreAsync(chunk, http, cancellationToken);
            created += n;
            existing += e;
            written += chunk.Count;
            chunk.Clear();
            progress?.Report(new ProgressUpdate(rows == 0 ? 1 : (double)written / rows, $"{written:N0} of {rows:N0} {kind.Name} stored"));
        }

        foreach (var row in RowReader.Read(request.File, request.Format, kind.Columns, null, cancellationToken))
        {
            chunk.Add(row.Value!);
            if (chunk.Count == ChunkSize)
            {
                await FlushAsync();
            }
        }

        if (chunk.Count > 0)
        {
            await FlushAsync();
        }

        return new FileImportResult(rows, created, existing, [], http is not null);
    }

    private async Task<(long Rows, List<RowError> Errors)> CheckAsync<T>(IImportKind<T> kind, FileImportRequest request, HttpClient? http, IProgress<ProgressUpdate>? progress, CancellationToken ct)
        where T : class, new()
    {
        var errors = new List<RowError>();
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var now = time.GetUtcNow().UtcDateTime;
        var fraction = 0.0;
        var readProgress = new ProgressDisplay.SyncProgress<double>(f => fraction = f);
        // Through a server the events' references are checked by its dry run, a chunk at a time.
        var dryRun = http is not null && kind.Method == "POST" ? new List<(long Line, T Item)>(ChunkSize) : null;
        long rows = 0;
        var validation = new ValidationErrors();
        foreach (var row in RowReader.Read(request.File, request.Format, kind.Columns, readProgress, ct))
        {
            rows++;
            if ((rows & 0x3FFF) == 0)
            {
                progress?.Report(new ProgressUpdate(fraction, $"checked {rows:N0} {kind.Name}"));
            }

            foreach (var error in row.Errors)
            {
                errors.Add(new RowError(row.Line, error.Field, error.Message));
            }

            if (row.Value is { } item)
            {
                validation = validation.IsValid ? validation : new ValidationErrors();
                kind.Validate(item, validation, now, checkReferences: http is null);
                foreach (var (field, messages) in validation.ToDictionary())
                {
                    errors.AddRange(messages.Select(m => new RowError(row.Line, field, m)));
                }

                if (kind.UniqueId(item) is { Length: > 0 } id && !firstLine.TryAdd(id, row.Line))
                {
                    errors.Add(new RowError(row.Line, "id", $"repeats the id of line {firstLine[id]}; each id may appear once per file."));
                }

                dryRun?.Add((row.Line, item));
                if (dryRun is { Count: ChunkSize } && errors.Count == 0)
                {
                    errors.AddRange(await DryRunAsync(kind, http!, dryRun, ct));
                    dryRun.Clear();
                }
            }

            if (errors.Count > request.MaxErrors)
            {
                return (rows, errors.Take(request.MaxErrors + 1).ToList());
            }
        }

        if (dryRun is { Count: > 0 } && errors.Count == 0)
        {
            errors.AddRange(await DryRunAsync(kind, http!, dryRun, ct));
        }

        return (rows, errors.Take(request.MaxErrors + 1).ToList());
    }

    private static async Task<List<RowError>> DryRunAsync<T>(IImportKind<T> kind, HttpClient http, List<(long Line, T Item)> chunk, CancellationToken ct)
        where T : class, new()
    {
        using var response = await http.PostAsJsonAsync(kind.Endpoint + "?dry_run=true", chunk.Select(c => c.Item).ToList(), Json, ct);
        if (response.IsSuccessStatusCode)
        {
            return [];
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        if ((int)response.StatusCode != 400)
        {
            throw new ImportServerException($"The server answered {(int)response.StatusCode} to a check of {chunk.Count} {kind.Name}: {body}");
        }

        return ProblemErrors(body, chunk.Count == 1 ? _ => chunk[0].Line : i => chunk[i].Line).ToList();
    }

    private static async Task<(int New, int Existing)> SendAsync<T>(IImportKind<T> kind, HttpClient http, List<T> chunk, bool dryRun, CancellationToken ct)
        where T : class, new()
    {
        using var message = new HttpRequestMessage(new HttpMethod(kind.Method), kind.Endpoint + (dryRun ? "?dry_run=true" : ""))
        {
            Content = JsonContent.Create(chunk, options: Json),
        };
        using var response = await http.SendAsync(message, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ImportServerException($"The server answered {(int)response.StatusCode} to a chunk of {chunk.Count} {kind.Name}: {body}");
        }

        using var answer = JsonDocument.Parse(body);
        var root = answer.RootElement;
        return root.TryGetProperty("accepted", out var accepted)
            ? (accepted.GetInt32(), root.GetProperty("duplicates").GetInt32())
            : (root.GetProperty("created").GetInt32(), root.GetProperty("replaced").GetInt32());
    }

    /// <summary>A ValidationProblemDetails' errors, keyed <c>[index].field</c>, as row errors by line.</summary>
    private static IEnumerable<RowError> ProblemErrors(string body, Func<int, long> lineOf)
    {
        using var problem = JsonDocument.Parse(body);
        if (!problem.RootElement.TryGetProperty("errors", out var errors))
        {
            yield return new RowError(lineOf(0), "$", body);
            yield break;
        }

        foreach (var entry in errors.EnumerateObject())
        {
            var key = entry.Name;
            var index = 0;
            if (key.StartsWith('[') && key.IndexOf(']', StringComparison.Ordinal) is > 1 and var close)
            {
                index = int.Parse(key.AsSpan(1, close - 1), CultureInfo.InvariantCulture);
                key = key[(close + 1)..].TrimStart('.');
            }

            foreach (var message in entry.Value.EnumerateArray())
            {
                yield return new RowError(lineOf(index), key.Length == 0 ? "$" : key, message.GetString() ?? "");
            }
        }
    }

    private static HttpClient Client(Uri server, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrEmpty(apiKey))
        {
            client.DefaultRequestHeaders.Add(ApiKeys.Header, apiKey);
        }

        return client;
    }
}
