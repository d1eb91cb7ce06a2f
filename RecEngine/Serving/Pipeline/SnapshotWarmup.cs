using RecEngine.Features;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Runs the stages on a snapshot before it is published: once for a user with no history, then
/// <see cref="HistoryRuns"/> times for a user with a history of watched videos, so the paths real users take
/// (fold-in, the personal and item-to-item searches, co-watch scores, the ranker on a full slate, the order and the
/// exploration stages) are JIT-compiled past their first tier and ONNX Runtime has made its first (slow) runs. Without
/// the history runs, the first second of real traffic on a new version went through unoptimised code: retrieval took
/// 45-80 ms and missed the deadline. A failure here is logged and does not stop the version from serving.
/// </summary>
internal sealed partial class SnapshotWarmup(RetrieveStage retrieve, FilterStage filter, ScoreStage score, OrderStage order, ExplorationStage exploration, TimeProvider time, ILogger<SnapshotWarmup> logger)
{
    /// <summary>Runs for the user with a history: past the runtime's call-count threshold for optimised code (30).</summary>
    public const int HistoryRuns = 40;

    /// <summary>Not a catalog id (ids are letters, digits and _-.:), so retrieval takes the no-history path and reads no store.</summary>
    private const string WarmupUser = "\u0000warmup";

    public void Run(ServingSnapshot snapshot)
    {
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var slate = new SlateContext(snapshot, new SlateRequest(WarmupUser, 20, [], false), new HashSet<int>(), now);
            retrieve.Run(slate);
            RunRest(slate);

            var history = History(snapshot, now);
            for (var i = 0; i < HistoryRuns && history.RecentWatches.Count > 0; i++)
            {
                slate = new SlateContext(snapshot, new SlateRequest(WarmupUser, 20, [], false), new HashSet<int>(), now);
                RetrieveStage.Run(slate, history);
                RunRest(slate);
            }
        }
        catch (Exception ex)
        {
            LogFailed(ex, snapshot.Version);
        }
    }

    private void RunRest(SlateContext slate)
    {
        filter.Run(slate);
        score.Run(slate, TimeSpan.MaxValue);
        order.Run(slate);
        exploration.Run(slate, "warmup");
    }

    /// <summary>A made-up user who watched the first videos with co-watches in the version's window (any videos without).</summary>
    private static UserFeatures History(ServingSnapshot snapshot, DateTime now)
    {
        var videos = snapshot.Videos;
        var watchers = snapshot.Retrieval.CoWatch.Watchers;
        var picked = new List<int>(UserFeatures.MaxRecentWatches);
        for (var v = 0; v < videos.Count && picked.Count < UserFeatures.MaxRecentWatches; v++)
        {
            if (watchers[v] > 0)
            {
                picked.Add(v);
            }
        }

        for (var v = 0; v < videos.Count && picked.Count < Math.Min(UserFeatures.MaxRecentWatches, videos.Count); v++)
        {
            if (!picked.Contains(v))
            {
                picked.Add(v);
            }
        }

        return new UserFeatures
        {
            UserId = WarmupUser,
            Watches = picked.Count,
            RecentWatches = [.. picked.Select((v, i) => new RecentWatch(videos.Ids[v], now.AddMinutes(-i), videos.DurationSeconds[v] / 2))],
            Watched = [.. picked.Select(v => videos.Ids[v])],
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up model version {Version} failed; it serves all the same")]
    private partial void LogFailed(Exception ex, string version);
}
