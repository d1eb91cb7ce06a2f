using System.ComponentModel.DataAnnotations;

namespace RecEngine.Events;

/// <summary>Ingestion settings, section <c>RecEngine:Events</c>.</summary>
public sealed record EventsOptions
{
    public const string Section = "RecEngine:Events";

    /// <summary>Most events one request may carry.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; init; } = 10_000;

    /// <summary>Largest request body accepted by <c>POST /v1/events</c>.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Requests waiting for the writer; past it new requests get 503.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Events waiting for the writer; past it new requests get 503.</summary>
    [Range(1, 10_000_000)]
    public int MaxPendingEvents { get; init; } = 200_000;

    /// <summary>Most events the writer commits in one LiteDB transaction (group commit).</summary>
    [Range(1, 1_000_000)]
    public int MaxEventsPerCommit { get; init; } = 20_000;

    /// <summary>How far in the future an event timestamp may be (client clock skew).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest a request waits for its commit; past it the answer is 503 (the batch may still commit: a retry is safe,
    /// it is counted as duplicates). A commit running this long also makes <c>/health/ready</c> answer 503.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CommitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long stored events and served slates are kept; older ones are deleted. At least the lifecycle's training
    /// window (checked at start). Zero keeps everything.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The newest events retention keeps whatever their age, as `train`'s window reaches back for them
    /// (<see cref="EventStore.WindowMinimumEvents"/>): an imported history spanning years is not deleted down to its last
    /// month. 0 lets retention go by age alone.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int RetentionKeepsNewest { get; init; } = EventStore.WindowMinimumEvents;

    /// <summary>How often the retention pass runs (the first one this long after start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Retry-After seconds sent with 503 when the queue is full or the store cannot write.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; init; } = 1;
}
