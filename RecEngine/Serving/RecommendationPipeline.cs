using RecEngine.Hosting;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Events;
using RecEngine.Serving.Impressions;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Serving;

/// <summary>
/// GET /v1/recommendations: Retrieve -> Filter -> Score -> Order on one leased <see cref="ServingSnapshot"/> (so one
/// request reads exactly one model version: the canary's for the users in its share, see <see cref="ServingState"/>), under a deadline with per-stage budgets. A valid request always gets a
/// slate: when the ranker fails or runs out of time the slate keeps retrieval order, and when no model serves (or
/// retrieval fails) it is the popularity slate; both say <c>degraded</c>. Every slate is queued for the impression
/// log (never waited for) and shown to the served-slate listeners.
/// </summary>
internal sealed partial class RecommendationPipeline(
    ServingState state,
    RetrieveStage retrieve,
    FilterStage filter,
    ScoreStage score,
    OrderStage order,
    ExplorationStage exploration,
    ColdStartSlates coldStart,
    IUserFeatureSource users,
    CatalogIndex catalog,
    ImpressionQueue impressions,
    ServedSlateNotifier listeners,
    IOptions<ServingOptions> options,
    TimeProvider time,
    ILogger<RecommendationPipeline> logger)
{
    private readonly ServingOptions _options = options.Value;

    public SlateOutcome Recommend(SlateRequest request)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        var requestId = "r" + Guid.NewGuid().ToString("N");
        var trace = request.Explain ? new List<StageTrace>(4) : null;
        using var span = RecEngineTracing.Source.StartActivity("recommend");
        span?.SetTag("recengine.request_id", requestId);
        span?.SetTag("recengine.k", request.K);
        using var lease = state.Acquire(request.UserId);
        span?.SetTag("recengine.model_version", lease?.Snapshot.Version);
        if (lease is null)
        {
            return ColdStart(request, requestId, now, started, DegradedReasons.NoModel, trace);
        }

        var snapshot = lease.Snapshot;
        if (!TryResolveCategories(request.Categories, snapshot.Videos, out var categories, out var unknown))
        {
            return new SlateOutcome(null, unknown);
        }

        var slate = new SlateContext(snapshot, request, categories, now);
        SearchShortfall.Take();
        try
        {
            RunRetrieveAndFilter(slate, started, trace);
        }
        catch (Exception ex)
        {
            ServingMetrics.Errors.WithLabels("retrieve").Inc();
            LogRetrievalFailed(ex, request.UserId);
            return ColdStart(request, requestId, now, started, DegradedReasons.Error, trace);
        }

        // A cluster's sharded index reports the shards that missed the deadline; the slate still ranks what came back.
        var missingShards = SearchShortfall.Take();
        var degraded = RunScore(slate, started, trace);
        if (degraded is null && missingShards > 0)
        {
            degraded = DegradedReasons.ShardsMissing;
            ServingMetrics.Degraded.WithLabels(degraded).Inc();
        }
        var t = time.GetTimestamp();
        var candidates = slate.Candidates.Count;
        order.Run(slate);
        exploration.Run(slate, requestId);
        Observe(ServingMetrics.OrderSeconds, "order", t, candidates, slate.Slate.Count, "ok", _options.OrderBudget, trace);

        var videos = snapshot.Videos;
        var shown = new List<RecommendedVideo>(slate.Slate.Count);
        foreach (var ranked in slate.Slate)
        {
            var candidate = slate.Candidates[ranked.Candidate];
            var v = candidate.VideoIndex;
            shown.Add(new RecommendedVideo(videos.Ids[v], videos.Titles[v], videos.Categories[videos.CategoryIndex[v]], ranked.Score, slate.PWatchOf(ranked.Candidate), candidate.Sources.ToArray()));
        }

        var answer = Finish(new Recommendations(requestId, request.UserId, snapshot.Version, degraded is not null, degraded, shown, null), started, trace);
        Served(answer, slate.Impression, () => Scores(slate), () => FeatureSample(slate), slate.ExploredPositions);
        return SlateOutcome.Of(answer);
    }

    private void RunRetrieveAndFilter(SlateContext slate, long started, List<StageTrace>? trace)
    {
        var t = time.GetTimestamp();
        retrieve.Run(slate);
        var retrieved = slate.Candidates.Count;
        Observe(ServingMetrics.RetrieveSeconds, "retrieve", t, 0, retrieved, "ok", null, trace);

        t = time.GetTimestamp();
        filter.Run(slate);
        Observe(ServingMetrics.FilterSeconds, "filter", t, retrieved, slate.Candidates.Count, "ok", null, trace);
        if (time.GetElapsedTime(started) > _options.RetrieveBudget)
        {
            ServingMetrics.OverBudget.WithLabels("retrieve").Inc();
        }
    }

    /// <summary>Runs the ranker within min(score budget, what is left of the deadline); returns the degraded reason, if any.</summary>
    private string? RunScore(SlateContext slate, long started, List<StageTrace>? trace)
    {
        var t = time.GetTimestamp();
        var left = _options.Deadline - time.GetElapsedTime(started);
        var budget = left < _options.ScoreBudget ? left : _options.ScoreBudget;
        string? degraded;
        if (budget <= TimeSpan.Zero)
        {
            degraded = DegradedReasons.DeadlineExceeded;
        }
        else
        {
            try
            {
                degraded = score.Run(slate, budget);
            }
            catch (Exception ex)
            {
                ServingMetrics.Errors.WithLabels("score").Inc();
                LogRankerFailed(ex, slate.Snapshot.Version);
                degraded = DegradedReasons.RankerFailed;
            }
        }

        if (degraded is not null)
        {
            slate.WatchTime = null;
            slate.PWatch = null;
            ServingMetrics.Degraded.WithLabels(degraded).Inc();
            if (degraded == DegradedReasons.RankerTimeout)
            {
                ServingMetrics.OverBudget.WithLabels("score").Inc();
            }
        }

        var n = slate.Candidates.Count;
        Observe(ServingMetrics.ScoreSeconds, "score", t, n, degraded is null ? n : 0, degraded ?? "ok", null, trace);
        return degraded;
    }

    /// <summary>The popularity slate (no model serves, or retrieval failed), filtered for the user and diversified.</summary>
    private SlateOutcome ColdStart(SlateRequest request, string requestId, DateTime now, long started, string reason, List<StageTrace>? trace)
    {
        var t = time.GetTimestamp();
        var popular = coldStart.Get();
        if (!TryResolveCategories(request.Categories, popular.Videos, out var categories, out var unknown))
        {
            return new SlateOutcome(null, unknown);
        }

        var features = catalog.UserExists(request.UserId) ? users.Get(request.UserId) : null;
        var filter = CandidateRequests.ForUser(features, null, popular.Videos, now, categories);
        // A few times k, so the diversity caps have room to choose.
        var top = popular.Top(filter, Math.Max(request.K * 4, request.K + 50));
        var indexes = top.Select(p => p.Video).ToArray();
        var ordered = order.Order(indexes, null, popular.Videos, now, request.K);
        var videos = popular.Videos;
        var shown = ordered.Select(r =>
        {
            var v = indexes[r.Candidate];
            return new RecommendedVideo(videos.Ids[v], videos.Titles[v], videos.Categories[videos.CategoryIndex[v]], null, null, [top[r.Candidate].Source]);
        }).ToList();
        Observe(ServingMetrics.ColdStartSeconds, "cold_start", t, top.Count, shown.Count, reason, null, trace);

        ServingMetrics.Degraded.WithLabels(reason).Inc();
        var answer = Finish(new Recommendations(requestId, request.UserId, null, true, reason, shown, null), started, trace);
        Served(answer, ImpressionContext.Serving(now, request.Device, features), () => Enumerable.Repeat(float.NaN, shown.Count).ToArray(), () => ([], []));
        return SlateOutcome.Of(answer);
    }

    private Recommendations Finish(Recommendations answer, long started, List<StageTrace>? trace)
    {
        var total = time.GetElapsedTime(started);
        ServingMetrics.TotalSeconds.Observe(total.TotalSeconds);
        return trace is null ? answer : answer with { Explain = new SlateExplanation(_options.Deadline.TotalMilliseconds, total.TotalMilliseconds, trace) };
    }

    /// <summary>Queues the slate for the impression log (never waits) and tells the listeners.</summary>
    private void Served(Recommendations answer, ImpressionContext shownAs, Func<float[]> scores, Func<(IReadOnlyList<string> Names, float[] Values)> sample, int[]? explored = null)
    {
        var ids = answer.Videos.Select(v => v.VideoId).ToArray();
        var shownScores = scores();
        if (_options.LogImpressions)
        {
            impressions.TryEnqueue(new ServedSlateRecord
            {
                RequestId = answer.RequestId,
                UserId = answer.UserId,
                ModelVersion = answer.ModelVersion,
                Timestamp = shownAs.At,
                Hour = shownAs.Hour,
                Device = shownAs.Device,
                VideoIds = ids,
                Scores = answer.Degraded ? null : shownScores,
                ExploredPositions = explored,
            });
        }

        if (!listeners.HasListeners)
        {
            return;
        }

        (IReadOnlyList<string> Names, float[] Values) features = ([], []);
        try
        {
            features = sample();
        }
        catch (Exception ex)
        {
            listeners.Failed("feature_sample", ex);
        }

        listeners.Notify(new ServedSlate(answer.RequestId, answer.UserId, answer.ModelVersion ?? "", shownAs.At, shownAs.Device, shownAs.Hour, ids, shownScores, features.Names, features.Values, answer.Degraded));
    }

    /// <summary>The ranker's scores of the shown videos; NaN for videos the ranker did not score (degraded).</summary>
    private static float[] Scores(SlateContext slate) => slate.Slate.Select(r => r.Score ?? float.NaN).ToArray();

    /// <summary>Raw ranker features of the first few shown videos, for drift monitoring.</summary>
    private (IReadOnlyList<string> Names, float[] Values) FeatureSample(SlateContext slate)
    {
        var rows = Math.Min(_options.FeatureSampleRows, slate.Slate.Count);
        if (rows == 0)
        {
            return ([], []);
        }

        var snapshot = slate.Snapshot;
        var user = slate.User ?? UserContext.Build(slate.Features, snapshot.Retrieval, snapshot.Videos, slate.Retrieval?.UserVector);
        var videos = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            videos[r] = slate.Candidates[slate.Slate[r].Candidate].VideoIndex;
        }

        var names = CandidateScorer.RawNumericNames;
        var values = new float[rows * names.Count];
        CandidateScorer.RawNumeric(user, videos, slate.Impression, snapshot.Videos, snapshot.Retrieval, snapshot.Trending, values);
        return (names, values);
    }

    private void Observe(Prometheus.Histogram.Child metric, string stage, long startedAt, int candidatesIn, int candidatesOut, string outcome, TimeSpan? budget, List<StageTrace>? trace)
    {
        var elapsed = time.GetElapsedTime(startedAt);
        metric.Observe(elapsed.TotalSeconds);
        if (budget is { } b && elapsed > b)
        {
            ServingMetrics.OverBudget.WithLabels(stage).Inc();
        }

        trace?.Add(new StageTrace(stage, elapsed.TotalMilliseconds, candidatesIn, candidatesOut, outcome));
        RecEngineTracing.Completed(stage, elapsed, candidatesIn, candidatesOut, outcome);
    }

    /// <summary>Category names to indexes; false with the names the catalog does not know.</summary>
    private static bool TryResolveCategories(IReadOnlyList<string> names, VideoSnapshot videos, out IReadOnlySet<int> categories, out IReadOnlyList<string> unknown)
    {
        var resolved = new HashSet<int>();
        List<string>? missing = null;
        foreach (var name in names)
        {
            var c = videos.CategoryId(name);
            if (c < 0)
            {
                (missing ??= []).Add(name);
            }
            else
            {
                resolved.Add(c);
            }
        }

        categories = resolved;
        unknown = missing ?? [];
        return missing is null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrieval failed for user {UserId}; answering the popularity slate")]
    private partial void LogRetrievalFailed(Exception ex, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ranker of model version {Version} failed; answering in retrieval order")]
    private partial void LogRankerFailed(Exception ex, string version);
}
