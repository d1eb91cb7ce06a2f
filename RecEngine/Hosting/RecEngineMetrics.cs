using Prometheus;

namespace RecEngine.Hosting;

/// <summary>
/// The service's Prometheus metrics, in one place so /metrics reads as one catalogue. prometheus-net collectors are
/// process-wide, which matches one RecEngine process per data directory.
/// </summary>
internal static class RecEngineMetrics
{
    public static readonly Histogram IngestCommitSeconds = Metrics.CreateHistogram(
        "recengine_ingest_commit_seconds", "Duration of one group commit of events to LiteDB.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter IngestEvents = Metrics.CreateCounter(
        "recengine_ingest_events_total", "Events committed, by outcome (stored, duplicate).", "outcome");

    public static readonly Counter IngestRefused = Metrics.CreateCounter(
        "recengine_ingest_refused_total", "Event requests refused with 503 (queue full or shutting down).");

    public static readonly Gauge IngestQueueEvents = Metrics.CreateGauge(
        "recengine_ingest_queue_events", "Events queued for the writer and not yet committed.");

    public static readonly Gauge ModelVersion = Metrics.CreateGauge(
        "recengine_model_version", "The model version serving: 1 for the serving version's label, no series before one serves.", "version");

    public static readonly Counter ThumbnailEmbeddings = Metrics.CreateCounter(
        "recengine_thumbnail_embeddings_total", "Thumbnails through the visual embedding queue, by outcome (embedded, failed, deferred: the queue was full, training or the next start embeds it).", "outcome");

    public static readonly Gauge ThumbnailQueue = Metrics.CreateGauge(
        "recengine_thumbnail_queue", "Thumbnails waiting for the visual embedder.");

    public static readonly Counter VectorSearches = Metrics.CreateCounter(
        "recengine_vector_searches_total", "Vector index searches made by candidate generation, by source (personal, item_to_item).", "source");

    public static readonly Counter VectorSearchK = Metrics.CreateCounter(
        "recengine_vector_search_k_total", "Sum of the k asked of the vector index by candidate generation, by source: over searches, the mean depth.", "source");

    public static readonly Gauge IndexVideos = Metrics.CreateGauge(
        "recengine_index_videos", "Videos in the serving snapshot's vector index.");

    public static readonly Gauge IndexDimensions = Metrics.CreateGauge(
        "recengine_index_dimensions", "Vector length of the serving snapshot's index.");

    public static readonly Gauge DriftPsi = Metrics.CreateGauge(
        "recengine_drift_psi", "Population Stability Index of each monitored feature at the last drift check.", "feature");

    public static readonly Gauge DriftAdjustedPValue = Metrics.CreateGauge(
        "recengine_drift_adjusted_p_value", "Multiple-testing-adjusted p-value of each monitored feature at the last drift check.", "feature");

    public static readonly Gauge DriftState = Metrics.CreateGauge(
        "recengine_drift_state", "State of each monitored feature: -1 insufficient data, 0 ok, 1 warn, 2 drift.", "feature");
}
