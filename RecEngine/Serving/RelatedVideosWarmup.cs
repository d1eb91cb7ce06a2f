using Microsoft.Extensions.Options;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>
/// After the user features are warmed (<see cref="UserFeatureWarmup"/>), fills the item-to-item related rows of every
/// cached user's seeds (their latest distinct watches, as <see cref="ItemToItemSource"/> picks them) on a low-priority
/// thread. At a million videos a request's seeds are otherwise mostly cold for a long while after start, and each cold
/// seed costs the request an HNSW search; a related-videos table computed ahead of requests is what YouTube did
/// (Davidson et al. 2010). The table stays bounded by its capacity, and a newly promoted version fills its own on demand.
/// It also builds the recommendation response's JSON metadata (<see cref="ResponseJsonWarmup"/>) before readiness.
/// </summary>
internal sealed partial class RelatedVideosWarmup(
    UserFeatureWarmup userFeatures,
    UserFeatureCache cache,
    ServingState state,
    IOptions<ServingOptions> serving,
    IOptions<FeaturesOptions> features,
    IOptions<CandidateOptions> candidates,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<RelatedVideosWarmup> logger) : BackgroundService
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the start-up is over: the related rows warmed (or skipped) and the heap compacted. Readiness waits
    /// for it (<see cref="ModelHealthCheck"/>), so neither the warm-up's CPU nor the compaction's pause meets a request.
    /// </summary>
    public Task Completed => _completed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var users = await userFeatures.Completed.WaitAsync(stoppingToken);
            // Whether or not there are users to warm related rows for: a new deployment's first request needs it most.
            WarmResponseJson();
            if (users == 0)
            {
                return;
            }

            await Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    private void WarmResponseJson()
    {
        try
        {
            ResponseJsonWarmup.Run(json.Value.SerializerOptions, Stream.Null);
        }
        catch (Exception ex)
        {
            LogJsonFailed(ex);
        }
    }

    private void Run(CancellationToken ct)
    {
        BackgroundThreadPriority.Lower(features.Value.WarmUpNice);
        if (serving.Value.WarmUpRelatedVideos)
        {
            WarmRelated(ct);
        }

        if (features.Value.CompactHeapAfterWarmUp && !ct.IsCancellationRequested)
        {
            var (before, after, ms) = HeapCompaction.Run();
            LogCompacted(before, after, ms);
        }
    }

    private void WarmRelated(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var lease = state.Acquire();
            if (lease is null)
            {
                return;
            }

            var snapshot = lease.Snapshot;
            var seeds = Seeds(cache.Cached(), snapshot.Videos, candidates.Value.ItemToItemSeeds);
            var warmed = snapshot.Candidates.WarmRelated(seeds, ct);
            LogWarmed(warmed, seeds.Count, snapshot.Version, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex);
        }
    }

    /// <summary>
    /// Each user's first <paramref name="perUser"/> distinct recent watches in the catalog (the seeds their requests
    /// ask for), over all users, each seed once, in order of how many users share it (so a table that fills up keeps
    /// the seeds most requests need).
    /// </summary>
    internal static List<int> Seeds(IEnumerable<UserFeatures> users, VideoSnapshot videos, int perUser)
    {
        var counts = new Dictionary<int, int>();
        var mine = new HashSet<int>();
        foreach (var user in users)
        {
            mine.Clear();
            foreach (var watch in user.RecentWatches)
            {
                if (mine.Count == perUser)
                {
                    break;
                }

                if (videos.TryGetIndex(watch.VideoId, out var v) && mine.Add(v))
                {
                    counts[v] = counts.GetValueOrDefault(v) + 1;
                }
            }
        }

        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Related videos warmed: {Warmed} of {Seeds} seeds of cached users for model version {Version} in {Seconds:F1} s")]
    private partial void LogWarmed(int warmed, int seeds, string version, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heap compacted after the start-up warm-ups: {BeforeMb:F0} MB -> {AfterMb:F0} MB in {Milliseconds:F0} ms")]
    private partial void LogCompacted(double beforeMb, double afterMb, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Related-videos warm-up failed; rows fill on demand")]
    private partial void LogFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response JSON warm-up failed; the first request builds the metadata")]
    private partial void LogJsonFailed(Exception ex);
}
