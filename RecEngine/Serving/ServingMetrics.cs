using Prometheus;

namespace RecEngine.Serving;

/// <summary>
/// The request pipeline's Prometheus metrics (beside <c>Hosting/RecEngineMetrics</c>, in their own file so the
/// serving catalogue changes in one place). Label children are cached: the hot path does no label lookups.
/// </summary>
internal static class ServingMetrics
{
    public static readonly Histogram StageSeconds = Metrics.CreateHistogram(
        "recengine_serving_stage_seconds", "Duration of each stage of GET /v1/recommendations (retrieve, filter, score, order, cold_start, total).",
        new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16) });

    public static readonly Counter Degraded = Metrics.CreateCounter(
        "recengine_serving_degraded_total", "Slates answered degraded, by reason (no_model, ranker_failed, ranker_timeout, deadline_exceeded, error, shards_missing).", "reason");

    public static readonly Counter Errors = Metrics.CreateCounter(
        "recengine_serving_errors_total", "Exceptions caught in the pipeline, by stage; the request still gets a slate.", "stage");

    public static readonly Counter OverBudget = Metrics.CreateCounter(
        "recengine_serving_over_budget_total", "Stages that ran past their budget, by stage.", "stage");

    public static readonly Counter ImpressionsLogged = Metrics.CreateCounter(
        "recengine_impressions_logged_total", "Impression events handed to the event writer.");

    public static readonly Counter ImpressionsDropped = Metrics.CreateCounter(
        "recengine_impressions_dropped_total", "Impression events not stored, by reason (queue_full, store_failed).", "reason");

    public static readonly Counter ListenerFailures = Metrics.CreateCounter(
        "recengine_served_slate_listener_failures_total", "Served-slate listeners (or the feature sample for them) that threw, by listener.", "listener");

    internal static readonly Histogram.Child RetrieveSeconds = StageSeconds.WithLabels("retrieve");
    internal static readonly Histogram.Child FilterSeconds = StageSeconds.WithLabels("filter");
    internal static readonly Histogram.Child ScoreSeconds = StageSeconds.WithLabels("score");
    internal static readonly Histogram.Child OrderSeconds = StageSeconds.WithLabels("order");
    internal static readonly Histogram.Child ColdStartSeconds = StageSeconds.WithLabels("cold_start");
    internal static readonly Histogram.Child TotalSeconds = StageSeconds.WithLabels("total");
}
