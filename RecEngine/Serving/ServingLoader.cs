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

/// <summary>Loads the newest model version in <c>models/</c> at start, in the background, and publishes it.</summary>
public sealed partial class ServingLoader(
    ServingState state,
    RecEngineStore store,
    EventStore events,
    DataDirectory dataDir,
    IOptions<VectorIndexOptions> index,
    IOptions<OnnxRankerOptions> ranker,
    IOptions<AlsOptions> als,
    IOptions<CandidateOptions> candidates,
    SnapshotWarmup warmup,
    TimeProvider time,
    ILogger<ServingLoader> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            Load();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }, stoppingToken);

    /// <summary>
    /// Publishes the newest version that loads; a version whose files fail their checksums (or do not load) is
    /// refused with a log line and the one before it serves. False when none loads.
    /// </summary>
    internal bool Load()
    {
        var versions = Versions(dataDir);
        if (versions.Count == 0)
        {
            LogNoModel(dataDir.ModelsPath);
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var videos = VideoSnapshot.Build(store, now);
        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp ?? now;
        var trendingEnd = newest > now ? now : newest;
        var trending = TrendingIndex.Build(events.InWindow(trendingEnd - candidates.Value.TrendingWindow, trendingEnd.AddMilliseconds(1)), videos, trendingEnd, candidates.Value.TrendingHalfLife);
        foreach (var version in versions)
        {
            try
            {
                var snapshot = ServingSnapshot.Load(version, videos, trending, index.Value, ranker.Value, als.Value, candidates.Value);
                warmup.Run(snapshot);
                state.Publish(snapshot);
                LogServing(Path.GetFileName(version), videos.Count);
                return true;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or RankerModelException)
            {
                LogRefused(Path.GetFileName(version), ex.Message);
            }
        }

        return false;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the newest model version failed")]
    private partial void LogFailed(Exception ex);
}
