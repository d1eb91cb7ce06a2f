using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// The popular videos served while no model version does (and when retrieval fails): trending over the stored
/// events of the last <see cref="ServingOptions.ColdStartWindow"/>, built from the store. The first call builds it
/// (once, the only time a request waits for it); afterwards a stale copy is served while a background task rebuilds
/// it every <see cref="ServingOptions.ColdStartRefresh"/>.
/// </summary>
internal sealed partial class ColdStartSlates(
    RecEngineStore store,
    CatalogIndex catalog,
    EventStore events,
    IOptions<CandidateOptions> candidates,
    IOptions<ServingOptions> options,
    TimeProvider time,
    ILogger<ColdStartSlates> logger)
{
    private readonly Lock _buildGate = new();
    private volatile PopularVideos? _current;
    private int _refreshing;

    public PopularVideos Get()
    {
        var current = _current;
        if (current is null)
        {
            lock (_buildGate)
            {
                return _current ??= Build();
            }
        }

        if (time.GetUtcNow().UtcDateTime - current.BuiltAt >= options.Value.ColdStartRefresh && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = Task.Run(() =>
            {
                try
                {
                    _current = Build();
                }
                catch (Exception ex)
                {
                    LogRefreshFailed(ex);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }

        return current;
    }

    /// <summary>Stops serving a deleted video in the popular slate now (the next rebuild leaves it out).</summary>
    public void RetireVideo(string videoId) => _current?.Videos.Retire(videoId);

    internal PopularVideos Build()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var videos = VideoSnapshot.Build(store, now, catalog.InternVideoId);
        var window = events.InWindow(now - options.Value.ColdStartWindow, now.AddMilliseconds(1));
        var trending = TrendingIndex.Build(window, videos, now, candidates.Value.TrendingHalfLife);
        return new PopularVideos(videos, trending, now);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuilding the cold-start popularity slate failed; the previous one serves")]
    private partial void LogRefreshFailed(Exception ex);
}
