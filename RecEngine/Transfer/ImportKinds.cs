using RecEngine.Catalog;
using RecEngine.Events;
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
}

internal sealed class VideoImport(CatalogService catalog) : IImportKind<Video>
{
    public string Name => "videos";

    public IReadOnlyList<Column<Video>> Columns => TransferSchema.Videos;

    public string Endpoint => "/v1/videos";

    public string Method => "PUT";

    public string? UniqueId(Video item) => item.Id;

    public void Validate(Video item, ValidationErrors errors, DateTime utcNow, bool checkReferences) => CatalogValidation.Validate(item, utcNow, errors);

    public (int New, int Existing) Store(List<Video> chunk, DateTime utcNow)
    {
        foreach (var video in chunk)
        {
            video.UploadedAt = video.UploadedAt.ToUniversalTime();
        }

        var created = catalog.UpsertVideos(chunk);
        return (created, chunk.Count - created);
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
