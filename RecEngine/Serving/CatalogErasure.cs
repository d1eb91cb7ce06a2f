using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Serving;

/// <summary>
/// Deletion across the modules that hold a user's or a video's data: the catalog, the event store, the feature cache
/// and the served snapshots. Each step is durable before the next, and the catalog goes first, so events naming the
/// deleted id are refused from that moment on.
/// </summary>
internal sealed class CatalogErasure(
    CatalogService catalog,
    EventStore events,
    EventWriter writer,
    UserFeatureCache features,
    ServingState serving,
    ColdStartSlates coldStart,
    ThumbnailStore thumbnails,
    IOptions<ServingOptions> options)
{
    /// <summary>The longest an erasure waits for writes already accepted before it to be committed.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Erases the user, their events, their served slates and their cached features; null when nothing of them was stored.</summary>
    public async Task<UserErasure?> DeleteUserAsync(string userId, CancellationToken cancellationToken)
    {
        // Every step runs even when the user is already gone: a retry after a crash between them finishes the erasure.
        var existed = catalog.DeleteUser(userId);
        await DrainAsync(cancellationToken);
        var (deletedEvents, deletedSlates) = events.DeleteUser(userId);
        features.Forget(userId);
        return existed || deletedEvents > 0 || deletedSlates > 0 ? new UserErasure(userId, deletedEvents, deletedSlates) : null;
    }

    /// <summary>
    /// Events validated before the user left the catalog may still be queued for the writer, and slates served to them
    /// still queued for the impression log: wait until the writer has committed twice since (or has nothing queued) and
    /// one impression flush has passed, so the deletion that follows finds them. Real time on purpose: a test's fake
    /// clock would never let it pass.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var commits = writer.Commits;
        while (writer.PendingEvents > 0 && writer.Commits < commits + 2 && started.Elapsed < DrainTimeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        var flush = options.Value.LogImpressions ? options.Value.ImpressionFlushInterval - started.Elapsed : TimeSpan.Zero;
        if (flush > TimeSpan.Zero)
        {
            await Task.Delay(flush + TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>Deletes the video from the catalog and stops serving it now; false when there was no such video.</summary>
    public bool DeleteVideo(string videoId)
    {
        // The thumbnail goes too, even when the video is already gone: a retry after a crash between the two finishes it.
        var deleted = catalog.DeleteVideo(videoId);
        thumbnails.Delete(videoId);
        if (!deleted)
        {
            return false;
        }

        Retire(videoId);
        return true;
    }

    /// <summary>
    /// Videos just written with <c>available: false</c> stop being served at once too. (The reverse waits for the next
    /// snapshot: a snapshot only ever loses videos between loads.)
    /// </summary>
    public void RetireUnavailable(IEnumerable<Video> written)
    {
        foreach (var video in written)
        {
            if (!video.Available)
            {
                Retire(video.Id);
            }
        }
    }

    private void Retire(string videoId)
    {
        serving.RetireVideo(videoId);
        coldStart.RetireVideo(videoId);
    }
}

/// <summary>Answer to <c>DELETE /v1/users/{id}</c>: what was erased.</summary>
internal sealed record UserErasure(string UserId, int Events, int Slates);
