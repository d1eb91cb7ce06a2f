using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Images;
using RecEngine.Hosting;
using RecEngine.Models;
using RecEngine.Monitoring;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Datasets;
using RecEngine.Training.Export;

namespace RecEngine.Training;

/// <summary>Trains a model version from the store; used by <c>train</c> and by the first start of <c>serve</c>.</summary>
internal sealed class ModelTraining(
    RecEngineStore store,
    EventStore events,
    DataDirectory dataDir,
    IOptions<AlsOptions> als,
    IOptions<VectorIndexOptions> index,
    IOptions<CandidateOptions> candidates,
    IOptions<MonitoringOptions> monitoring,
    ThumbnailStore thumbnails,
    IOptions<ThumbnailOptions> thumbnailOptions,
    IOptions<RecEngine.Ranking.OnnxRankerOptions> ranking,
    TimeProvider time)
{
    /// <summary>Writes a new version and returns its folder, or null when there is nothing to train on.</summary>
    public string? Train(int windowDays, int rankerDays, int epochs, TextWriter output, CancellationToken cancellationToken, TrainingProgress? progress = null)
    {
        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault();
        if (newest is null)
        {
            return null;
        }

        var end = newest.Timestamp.AddMilliseconds(1);
        return TrainWindow(WindowStart(end.AddDays(-windowDays)), end, end.AddDays(-rankerDays), epochs, threads: null, output, cancellationToken, progress);
    }

    /// <summary>
    /// The fewest events a window holds when the store has them: an imported history spanning years holds almost
    /// nothing in its last few calendar days, so the window reaches further back, by events, until it holds this many.
    /// </summary>
    public const int MinWindowEvents = EventStore.WindowMinimumEvents;

    /// <summary><paramref name="start"/>, or earlier if the window from it would hold fewer than <see cref="MinWindowEvents"/> events.</summary>
    public DateTime WindowStart(DateTime start)
    {
        // The window from start holds MinWindowEvents when the MinWindowEvents-th newest event is no older than start.
        if (events.NthNewestTimestamp(MinWindowEvents, DateTime.MaxValue) is { } nth)
        {
            return nth < start ? nth : start;
        }

        // Fewer events than that in the whole store: the window is all of them.
        return events.Events.Query().OrderBy(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp ?? start;
    }

    /// <summary>
    /// Writes a version trained on events in [<paramref name="start"/>, <paramref name="end"/>), the ranker on the
    /// impressions from <paramref name="rankerFrom"/>; null when there are no videos. <paramref name="threads"/> caps
    /// the ALS solver and index build (retraining inside the server keeps cores for serving).
    /// </summary>
    public string? TrainWindow(
        DateTime start, DateTime end, DateTime rankerFrom, int epochs, int? threads, TextWriter output, CancellationToken cancellationToken, TrainingProgress? progress = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        progress?.Phase("reading videos");
        var videos = VideoSnapshot.Build(store, now);
        if (videos.Count == 0)
        {
            return null;
        }

        progress?.Phase("reading events");
        var window = new List<InteractionEvent>();
        // The store hands every event its own copy of each id; the window holds one copy per distinct id instead
        // (at 1M videos, 5M events carry about 15M strings, most of them repeats).
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in events.InWindow(start, end))
        {
            e.UserId = Intern(pool, e.UserId);
            e.VideoId = Intern(pool, e.VideoId);
            e.RequestId = e.RequestId is null ? null : Intern(pool, e.RequestId);
            e.Device = e.Device is null ? null : Intern(pool, e.Device);
            e.ModelVersion = e.ModelVersion is null ? null : Intern(pool, e.ModelVersion);
            window.Add(e);
            if ((window.Count & 0xFFFF) == 0)
            {
                progress?.Report($"{window.Count:N0} events");
            }
        }

        pool = null;
        progress?.Report($"{window.Count:N0} events");
        progress?.End();
        output.WriteLine($"Window {start:u} to {end:u}: {window.Count:N0} events, {videos.Count:N0} videos.");
        using var fitted = Fit(window, videos, start, end, rankerFrom, epochs, threads, output, cancellationToken, progress);
        return Write(fitted, dataDir.ModelsPath, output, progress);
    }

    private static string Intern(Dictionary<string, string> pool, string value)
    {
        if (pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        pool[value] = value;
        return value;
    }

    /// <summary>
    /// Trains a version in memory on <paramref name="window"/> (time-ordered events in [<paramref name="start"/>,
    /// <paramref name="end"/>)): embeddings, co-watches and index on the whole window; the ranker on the impressions
    /// from <paramref name="rankerFrom"/>, or, without impressions, on each user's newest events against the
    /// candidates of their earlier ones. The one training path of <c>train</c>, retraining and <c>evaluate</c>.
    /// </summary>
    public FittedVersion Fit(
        List<InteractionEvent> window, VideoSnapshot videos, DateTime start, DateTime end, DateTime rankerFrom, int epochs, int? threads, TextWriter output, CancellationToken cancellationToken, TrainingProgress? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var alsOptions = threads is { } t ? als.Value with { Threads = t } : als.Value;
        var indexOptions = threads is { } n ? index.Value with { BuildThreads = n } : index.Value;
        var visual = EmbedThumbnails(videos, progress, cancellationToken);
        var retrieval = RetrievalTrainer.Train(window, videos, alsOptions, indexOptions, progress, "embeddings", cancellationToken, visual, thumbnailOptions.Value.MinimumProjectionR2);
        try
        {
            if (visual is not null)
            {
                var embedded = visual.Count(e => e is not null);
                output.WriteLine(retrieval.FittedProjection is not { } projection
                    ? $"Thumbnails: {embedded:N0} embeddings, too few on trained videos to fit a projection to factors ({VisualProjection.MinimumRows} needed)."
                    : $"Thumbnails: {embedded:N0} embeddings, projection to factors with held-out R2 {projection.HeldOutR2:0.000} (lambda {projection.Lambda}): "
                        + (retrieval.Projection is not null ? "used for unwatched videos." : $"under {thumbnailOptions.Value.MinimumProjectionR2}, not used."));
            }

            // The ranker's thumbnail_affinity is used only where the served model's projection is (it explained enough
            // held-out variance); its feature models then always use theirs, so training and serving agree on when the
            // input exists. A projection that explains nothing held out carries no taste in the factor space; on the
            // worlds measured the input's effect was inside the training run's own spread (benchmarks/RESULTS.md).
            var rankerVisual = retrieval.Projection is null ? null : visual;
            RankerDataset? dataset = null;
            var impressions = PoolNegativesRanker.HasImpressions(window);
            // With logged slates, the ranker learns P(watch | shown) from them and, beside them, which candidates a user
            // watches next (the pool examples imported data trains on alone): the impressions follow what the logging
            // policy chose to show, the pool examples what the user went on to watch among everything retrieval offers.
            // On served days the newest watches are mostly of what the serving model showed: no pool examples unless asked.
            var poolLeftOut = impressions && !ranking.Value.PoolExamplesOnServedDays && ServedSlatesPreparation.Served(window, rankerFrom);
            if (poolLeftOut)
            {
                output.WriteLine("Ranker: the window holds served slates; it learns from their impressions, without pool examples.");
            }

            var pool = impressions && !poolLeftOut && videos.Count <= PoolNegativesRanker.MaxVideosBesideImpressions
                ? PoolNegativesRanker.Examples(window, videos, alsOptions, indexOptions, candidates.Value, PoolNegativesRanker.MaxUsersBesideImpressions, cancellationToken, progress, rankerVisual, minimumProjectionR2: -1, besideImpressions: true)
                : null;
            var networks = ranking.Value.NetworksFor(videos.Count);
            var (ranker, examples) = impressions
                ? RankerModelTrainer.TrainOutOfSample(window, videos, rankerFrom, end, alsOptions, indexOptions, candidates.Value, epochs, cancellationToken, d => dataset = d, progress, pool, ranking.Value.ReturnWeight, rankerVisual, minimumProjectionR2: -1, networks: networks, maxImpressionsPerUser: ranking.Value.MaxImpressionsPerUser)
                : PoolNegativesRanker.TrainOutOfSample(window, videos, alsOptions, indexOptions, candidates.Value, epochs, cancellationToken, datasetBuilt: d => dataset = d, visual: rankerVisual, minimumProjectionR2: -1, networks: networks);
            // The return signal lives in the watch-time head's weights (ReturnWeighting, impressions only): with it, that head orders the slates.
            if (ranking.Value.Order == Ranking.RankerOrder.WatchTimeHead || (impressions && ranking.Value.ReturnWeight > 0))
            {
                ranker = ranker with { WatchSeconds = null };
            }
            else if (ranking.Value.Order == Ranking.RankerOrder.ExpectedSatisfaction && ranker.WatchSeconds is { } seconds)
            {
                ranker = ranker with { WatchSeconds = seconds with { Satisfaction = true } };
            }

            output.WriteLine($"Ranker: {networks} network(s), {examples:N0} examples, {ranker.ExamplesPerSecond:N0} examples/s, losses {string.Join(" ", ranker.EpochLosses.Select(l => l.ToString("0.0000", CultureInfo.InvariantCulture)))}.");
            return new FittedVersion(videos, window, start, end, retrieval, ranker, dataset!, examples, impressions ? pool?.Count ?? 0 : examples, clock);
        }
        catch
        {
            retrieval.Dispose();
            throw;
        }
    }

    /// <summary>The videos' thumbnail embeddings, embedding the stored thumbnails the background queue has not reached; null without thumbnails.</summary>
    private float[]?[]? EmbedThumbnails(VideoSnapshot videos, TrainingProgress? progress, CancellationToken cancellationToken)
    {
        progress?.Phase("thumbnail embeddings");
        var options = thumbnailOptions.Value;
        ThumbnailEmbedder? embedder = null;
        try
        {
            return ThumbnailEmbeddings.Collect(
                thumbnails, videos.Ids, () => embedder ??= ThumbnailEmbedder.Load(options.ModelDirectory, options.MaxPixels, options.EmbeddingThreads), progress, cancellationToken);
        }
        finally
        {
            embedder?.Dispose();
        }
    }

    /// <summary>Writes a fitted version under <paramref name="modelsPath"/> (temp folder, then renamed) and returns its folder.</summary>
    public string Write(FittedVersion fitted, string modelsPath, TextWriter output, TrainingProgress? progress = null)
    {
        var clock = fitted.Clock;
        var (videos, window, start, end, retrieval, ranker, examples) = (fitted.Videos, fitted.Window, fitted.Start, fitted.End, fitted.Retrieval, fitted.Ranker, fitted.Examples);
        var now = time.GetUtcNow().UtcDateTime;
        var version = "v" + now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture);
        progress?.Phase("drift reference");
        var captureStarted = clock.Elapsed;
        var driftReference = DriftReferenceCapture.Capture(version, time.GetUtcNow(), ranker, fitted.Dataset, window, monitoring.Value);
        output.WriteLine($"Drift reference: {driftReference.Features.Count} features ({(clock.Elapsed - captureStarted).TotalSeconds:0.0}s).");
        progress?.Phase("writing artifacts");
        var folder = ModelVersionFolder.Write(modelsPath, version, folder =>
        {
            RankerOnnxExporter.Save(ranker.Ensemble, ranker.Spec, folder.Ranker, ranker.WatchSeconds);
            ranker.Spec.Save(folder.FeatureSpec);
            retrieval.Als.Save(folder.Als);
            retrieval.CoWatch.Save(folder.CoWatch);
            retrieval.Projection?.Save(folder.ThumbnailProjection);
            if (retrieval.Index is IPersistentVectorIndex approximate)
            {
                // Saved so that serving maps it instead of rebuilding it at every start.
                approximate.Save(folder.Index);
            }

            File.WriteAllText(folder.Videos, JsonSerializer.Serialize(videos.Ids));
            TrainingDriftReference.Save(driftReference, folder);
            File.WriteAllText(folder.Metrics, JsonSerializer.Serialize(new
            {
                version,
                window_start = start,
                window_end = end,
                events = window.Count,
                users = retrieval.UserIds.Length,
                videos = videos.Count,
                ranker_examples = examples,
                // Of them, pool examples (each user's newest watches against retrieval's candidates): 0 when left out.
                ranker_pool_examples = fitted.PoolExamples,
                ranker_epoch_losses = ranker.EpochLosses,
                ranker_examples_per_second = ranker.ExamplesPerSecond,
                // Null (left out of the registry's figures) when position was an input: no served slates in the window.
                ranker_position_exponent = ranker.PositionBias?.Exponent,
                seconds = clock.Elapsed.TotalSeconds,
                phase_seconds = progress?.Phases.Zip(progress.CpuSeconds, (p, cpu) => new { phase = p.Phase, seconds = p.Seconds, cpu_seconds = cpu }).ToArray(),
            }, ServiceDefaults.Json));
        });
        progress?.End();
        output.WriteLine($"Wrote model version {version} to {folder.Path} in {clock.Elapsed.TotalSeconds:0.0}s.");
        return folder.Path;
    }
}

/// <summary>A model version trained in memory (<see cref="ModelTraining.Fit"/>), before it is written; owns its retrieval model.</summary>
internal sealed record FittedVersion(
    VideoSnapshot Videos,
    List<InteractionEvent> Window,
    DateTime Start,
    DateTime End,
    RetrievalModel Retrieval,
    TrainedRanker Ranker,
    RankerDataset Dataset,
    int Examples,
    int PoolExamples,
    Stopwatch Clock) : IDisposable
{
    public void Dispose() => Retrieval.Dispose();
}
