namespace RecEngine.Catalog;

/// <summary>
/// Reads and writes videos and users; keeps <see cref="CatalogIndex"/> in step with the store. Every write is flushed to
/// stable storage (<see cref="RecEngineStore.Sync"/>) before it returns, so an acknowledged catalog write is durable too.
/// </summary>
internal sealed class CatalogService(RecEngineStore store, CatalogIndex index)
{
    public Video? FindVideo(string id) => store.Videos.FindById(id);

    public User? FindUser(string id) => store.Users.FindById(id);

    /// <summary>Inserts or replaces a video; returns true when it was new.</summary>
    public bool UpsertVideo(Video video)
    {
        var inserted = store.Videos.Upsert(video);
        store.Sync();
        index.Put(video);
        return inserted;
    }

    /// <summary>Inserts or replaces a user; returns true when it was new.</summary>
    public bool UpsertUser(User user)
    {
        var inserted = store.Users.Upsert(user);
        store.Sync();
        index.Put(user);
        return inserted;
    }

    /// <summary>Bulk path for generators and imports: one transaction per call, index refreshed after.</summary>
    public int UpsertVideos(IEnumerable<Video> videos)
    {
        var list = videos as IReadOnlyCollection<Video> ?? videos.ToList();
        var count = store.Videos.Upsert(list);
        store.Sync();
        foreach (var video in list)
        {
            index.Put(video);
        }

        return count;
    }

    public int UpsertUsers(IEnumerable<User> users)
    {
        var list = users as IReadOnlyCollection<User> ?? users.ToList();
        var count = store.Users.Upsert(list);
        store.Sync();
        foreach (var user in list)
        {
            index.Put(user);
        }

        return count;
    }

    /// <summary>
    /// Deletes a video from the catalog (durably) and from the index, so events naming it are refused from now on.
    /// False when there was none. Its stored events stay (they are other users' history) until retention drops them;
    /// training reads the catalog, so the next model leaves the video out.
    /// </summary>
    public bool DeleteVideo(string id)
    {
        index.RemoveVideo(id);
        var deleted = store.Videos.Delete(id);
        store.Sync();
        return deleted;
    }

    /// <summary>
    /// Deletes a user from the catalog (durably) and from the index, so events naming them are refused from now on.
    /// False when there was none. Their events and slates are erased by the event store (<c>EventStore.DeleteUser</c>).
    /// </summary>
    public bool DeleteUser(string id)
    {
        index.RemoveUser(id);
        var deleted = store.Users.Delete(id);
        store.Sync();
        return deleted;
    }
}
