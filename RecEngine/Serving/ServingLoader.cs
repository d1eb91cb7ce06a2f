using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Serving;

/// <summary>
/// Loads the preferred model version (see <see cref="IServingVersionSource"/>) at start, in the background, and
/// publishes it; <see cref="LoadSnapshot"/> builds a snapshot off to the side for a later swap.
/// </summary>
internal sealed partial class ServingLoader(
    ServingState state,
    IServingVersionSource source,
    RecEngineStore store,
    CatalogIndex catalog,
    EventStore events,
    DataDirectory dataDir,
    IOptions<VectorIndexOptions> index,
    IOptions<OnnxRankerOptions> ranker,
    IOptions<AlsOptions> als,
    IOptions<CandidateOptions> candidates,
    ThumbnailStore thumbnails,
    SnapshotWarmup warmup,
    UserFeatureWarmup userFeatures,
    IRetrievalIndexOpener indexOpener,
    TimeProvider time,
    ILogger<ServingLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A version that fails its checksums is refused inside Load, and the next one tried; what throws out of it
            // (a store read that failed) is tried again.
            await StartupRetry.RunAsync(() => Load(), StartupRetry.Delays, time, LogRetrying, LogFailed, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // The user-feature scan waits for the load: LiteDB 5 readers racing each other on a store larger than its
            // page cache can read garbage (LiteDB issue 2817), and the model must not be the one that does.
            userFeatures.Begin();
        }
    }

    /// <summary>
    /// Publishes the first preferred version that loads; a version whose files fail their checksums (or do not load)
    /// is refused with a log line and the next one serves. False when none loads.
    /// </summary>
    internal bool Load()
    {
        var versions = source.VersionFolders();
        if (versions.Count == 0)
        {
            LogNoModel(dataDir.ModelsPath);
            return false;
        }

        var (videos, trending) = Catalog();
        foreach (var version in versions)
        {
            var name = Path.GetFileName(version);
            try
            {
                var snapshot = ServingSnapshot.Load(version, videos, trending, index.Value, ranker.Value, als.Value, candidates.Value, thumbnails, indexOpener);
                warmup.Run(snapshot);
                state.Publish(snapshot);
                LogServing(name, videos.Count);
                source.Served(name);
                return true;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or RankerModelException)
            {
                LogRefused(name, ex.Message);
                source.Refused(name, ex.Message);
            }
        }

        return false;
    }

    /// <summary>
    /// Builds the snapshot of <paramref name="versionDir"/> for the current catalog without publishing it. Throws
    /// <see cref="InvalidDataException"/>, <see cref="IOException"/> or <see cref="RankerModelException"/> for a
    /// version that fails its checksums or does not load. <paramref name="buildThreads"/> caps the index build.
    /// The snapshot is warmed (one pass through the stages) before it is returned.
    /// </summary>
    public ServingSnapshot LoadSnapshot(string versionDir, int? buildThreads = null)
    {
        var (videos, trending) = Catalog();
        var indexOptions = buildThreads is { } threads ? index.Value with { BuildThreads = threads } : index.Value;
        var snapshot = ServingSnapshot.Load(versionDir, videos, trending, indexOptions, ranker.Value, als.Value, candidates.Value, thumbnails, indexOpener);
        try
        {
            // The first requests on a new version should not pay for JIT and the first ONNX run.
            warmup.Run(snapshot);
            return snapshot;
        }
        catch
        {
            snapshot.Dispose();
            throw;
        }
    }

    private (VideoSnapshot Videos, TrendingIndex Trending) Catalog()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var videos = VideoSnapshot.Build(store, now, catalog.InternVideoId);
        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp ?? now;
        var trendingEnd = newest > now ? now : newest;
        var trending = TrendingIndex.Build(events.InWindow(trendingEnd - candidates.Value.TrendingWindow, trendingEnd.AddMilliseconds(1)), videos, trendingEnd, candidates.Value.TrendingHalfLife);
        return (videos, trending);
    }

    /// <summary>Model version folders, newest first (names sort by time); temp folders of unfinished writes are skipped.</summary>
    public static List<string> Versions(DataDirectory dataDir) =>
        Directory.Exists(dataDir.ModelsPath)
            ? Directory.GetDirectories(dataDir.ModelsPath).Where(d => !Path.GetFileName(d).StartsWith('.')).OrderDescending(StringComparer.Ordinal).ToList()
            : [];

    [LoggerMessage(Level = LogLevel.Error, Message = "Model version {Version} refused: {Reason}")]
    private partial void LogRefused(string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving model version {Version} over {Videos} videos")]
    private partial void LogServing(string version, int videos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No model version in {Path}: recommendations are degraded popularity slates until one is trained ('train')")]
    private partial void LogNoModel(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the newest model version failed; serving stays on the popularity fallback and unready until a version is promoted or the server restarts")]
    private partial void LogFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the newest model version failed (attempt {Attempt}); trying again in {Delay}")]
    private partial void LogRetrying(Exception ex, int attempt, TimeSpan delay);
}
