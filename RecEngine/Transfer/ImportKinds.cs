using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features.Images;
using RecEngine.Features.Spec;
using RecEngine.Hosting;

namespace RecEngine.Transfer;

/// <summary>What <c>import</c> does for one kind of file: its columns, its checks, and how a checked chunk is stored.</summary>
internal interface IImportKind<T>
    where T : class, new()
{
    string Name { get; }

    IReadOnlyList<Column<T>> Columns { get; }

    /// <summary>The HTTP endpoint taking a chunk while a server holds the store, and whether it has a dry run.</summary>
    string Endpoint { get; }

    string Method { get; }

    /// <summary>The id a file may hold once (a catalog object), or null when repeats are fine (events: first wins).</summary>
    string? UniqueId(T item);

    /// <summary>Adds the item's errors (the API's rules, references included when checked locally).</summary>
    void Validate(T item, ValidationErrors errors, DateTime utcNow, bool checkReferences);

    /// <summary>Stores a checked chunk in the local store; returns (new, already stored).</summary>
    (int New, int Existing) Store(List<T> chunk, DateTime utcNow);

    /// <summary>After a chunk is stored (locally, or through <paramref name="server"/>): what rides beside the rows (thumbnails).</summary>
    Task AfterStoreAsync(List<T> chunk, HttpClient? server, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A video row of an import: the video, and optionally the path of its thumbnail (a local JPEG or PNG file; relative
/// paths are taken from the import file's folder). The path is not part of the video: it is read, checked by the
/// preprocessing spec in the first pass and stored beside the store in the second.
/// </summary>
internal sealed class VideoRow : Video
{
    public string? Thumbnail { get; set; }
}

/// <param name="baseDirectory">Where relative thumbnail paths start: the import file's folder.</param>
internal sealed class VideoImport(CatalogService catalog, ThumbnailStore thumbnails, ThumbnailOptions limits, string baseDirectory) : IImportKind<VideoRow>
{
    public string Name => "videos";

    public IReadOnlyList<Column<VideoRow>> Columns => TransferSchema.VideoRows;

    public string Endpoint => "/v1/videos";

    public string Method => "PUT";

    public string? UniqueId(VideoRow item) => item.Id;

    public void Validate(VideoRow item, ValidationErrors errors, DateTime utcNow, bool checkReferences)
    {
        CatalogValidation.Validate(item, utcNow, errors);
        if (item.Thumbnail is { Length: > 0 } && ReadThumbnail(item, out var error) is null)
        {
            errors.Add("thumbnail", error!);
        }
    }

    public (int New, int Existing) Store(List<VideoRow> chunk, DateTime utcNow)
    {
        // Stored as plain videos: the thumbnail path is not part of the catalog.
        var videos = chunk.Select(row => new Video
        {
            Id = row.Id, Title = row.Title, Category = row.Category, Tags = row.Tags, CreatorId = row.CreatorId,
            DurationSeconds = row.DurationSeconds, UploadedAt = row.UploadedAt.ToUniversalTime(), Available = row.Available,
        }).ToList();
        var created = catalog.UpsertVideos(videos);
        return (created, chunk.Count - created);
    }

    /// <summary>
    /// Stores each row's thumbnail: beside the local store (the server's next start, or training, embeds it), or through
    /// the server's <c>PUT /v1/videos/{id}/thumbnail</c>, whose queue embeds it.
    /// </summary>
    public async Task AfterStoreAsync(List<VideoRow> chunk, HttpClient? server, CancellationToken cancellationToken)
    {
        foreach (var row in chunk.Where(r => r.Thumbnail is { Length: > 0 }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (bytes, header) = ReadThumbnail(row, out var error) ?? throw new InvalidOperationException($"{row.Id}: thumbnail: {error}");
            if (server is null)
            {
                thumbnails.Write(row.Id, bytes, header.Format == "png" ? ".png" : ".jpg");
                continue;
            }

            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(header.ContentType);
            using var response = await server.PutAsync($"/v1/videos/{Uri.EscapeDataString(row.Id)}/thumbnail", content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ImportServerException($"The server answered {(int)response.StatusCode} to the thumbnail of video {row.Id}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }
    }

    /// <summary>The thumbnail's bytes and header, checked as an upload is (size, type, pixels, decoding); null and why when not.</summary>
    private (byte[] Bytes, ImageHeader Header)? ReadThumbnail(VideoRow row, out string? error)
    {
        var path = Path.GetFullPath(row.Thumbnail!, baseDirectory);
        error = null;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > limits.MaxBytes)
            {
                error = $"'{path}' has {length} bytes; at most {limits.MaxBytes} are accepted.";
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            var check = new ImagePreprocessing(limits.MaxPixels).Validate(bytes);
            if (!check.IsValid)
            {
                error = $"'{path}': {check.Message}";
                return null;
            }

            return (bytes, check.Header!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"'{path}' cannot be read: {ex.Message}";
            return null;
        }
    }
}

internal sealed class UserImport(CatalogService catalog) : IImportKind<User>
{
    public string Name => "users";

    public IReadOnlyList<Column<User>> Columns => TransferSchema.Users;

    public string Endpoint => "/v1/users";

    public string Method => "PUT";

    public string? UniqueId(User item) => item.Id;

    public void Validate(User item, ValidationErrors errors, DateTime utcNow, bool checkReferences) => CatalogValidation.Validate(item, utcNow, errors);

    public (int New, int Existing) Store(List<User> chunk, DateTime utcNow)
    {
        foreach (var user in chunk)
        {
            user.SignedUpAt = user.SignedUpAt.ToUniversalTime();
        }

        var created = catalog.UpsertUsers(chunk);
        return (created, chunk.Count - created);
    }
}

internal sealed class EventImport(EventValidator validator, EventStore store) : IImportKind<EventInput>
{
    public string Name => "events";

    public IReadOnlyList<Column<EventInput>> Columns => TransferSchema.Events;

    public string Endpoint => "/v1/events";

    public string Method => "POST";

    public string? UniqueId(EventInput item) => null;

    public void Validate(EventInput item, ValidationErrors errors, DateTime utcNow, bool checkReferences)
    {
        // The event validator checks the ids against the local catalog: through a server, its dry run does that.
        if (!checkReferences)
        {
            return;
        }

        var (_, found) = validator.Validate([item]);
        foreach (var (field, messages) in found.ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }
    }

    public (int New, int Existing) Store(List<EventInput> chunk, DateTime utcNow)
    {
        var (events, errors) = validator.Validate(chunk.Cast<EventInput?>().ToList());
        if (!errors.IsValid)
        {
            // Checked in the first pass; only a change of the store between the passes gets here.
            throw new InvalidOperationException("The events changed validity between the check and the write: " + string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        var inserted = store.InsertNewBulk(events);
        return (inserted, events.Count - inserted);
    }
}
