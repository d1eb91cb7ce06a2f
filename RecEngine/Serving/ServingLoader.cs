using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

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

    /// <summary>Publishes the newest version; false when there is none.</summary>
    internal bool Load()
    {
        var latest = NewestVersion(dataDir);
        if (latest is null)
        {
            LogNoModel(dataDir.ModelsPath);
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var videos = VideoSnapshot.Build(store, now);
        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp ?? now;
        var trendingEnd = newest > now ? now : newest;
        var trending = TrendingIndex.Build(events.InWindow(trendingEnd - candidates.Value.TrendingWindow, trendingEnd.AddMilliseconds(1)), videos, trendingEnd, candidates.Value.TrendingHalfLife);
        state.Publish(ServingSnapshot.Load(latest, videos, trending, index.Value, ranker.Value, als.Value));
        LogServing(Path.GetFileName(latest), videos.Count);
        return true;
    }

    public static string? NewestVersion(DataDirectory dataDir) =>
        Directory.Exists(dataDir.ModelsPath)
            ? Directory.GetDirectories(dataDir.ModelsPath).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal).LastOrDefault()
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving model version {Version} over {Videos} videos")]
    private partial void LogServing(string version, int videos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No model version in {Path}: recommendations answer 503 until one is trained ('train')")]
    private partial void LogNoModel(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the newest model version failed")]
    private partial void LogFailed(Exception ex);
}
