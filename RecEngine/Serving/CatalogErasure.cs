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
public sealed class CatalogErasure(CatalogService catalog, EventStore events, UserFeatureCache features, ServingState serving, ColdStartSlates coldStart)
{
    /// <summary>Erases the user, their events, their served slates and their cached features; null when nothing of them was stored.</summary>
    public UserErasure? DeleteUser(string userId)
    {
        // Every step runs even when the user is already gone: a retry after a crash between them finishes the erasure.
        var existed = catalog.DeleteUser(userId);
        var (deletedEvents, deletedSlates) = events.DeleteUser(userId);
        features.Forget(userId);
        return existed || deletedEvents > 0 || deletedSlates > 0 ? new UserErasure(userId, deletedEvents, deletedSlates) : null;
    }

    /// <summary>Deletes the video from the catalog and stops serving it now; false when there was no such video.</summary>
    public bool DeleteVideo(string videoId)
    {
        if (!catalog.DeleteVideo(videoId))
        {
            return false;
        }

        serving.RetireVideo(videoId);
        coldStart.RetireVideo(videoId);
        return true;
    }
}

/// <summary>Answer to <c>DELETE /v1/users/{id}</c>: what was erased.</summary>
public sealed record UserErasure(string UserId, int Events, int Slates);
