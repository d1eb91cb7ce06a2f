using System.ComponentModel.DataAnnotations;

namespace RecEngine.Serving;

/// <summary>The request pipeline's deadlines, ordering and impression log, section <c>RecEngine:Serving</c>.</summary>
public sealed record ServingOptions
{
    public const string Section = "RecEngine:Serving";

    /// <summary>The whole request; the ranker is skipped (degraded answer) when retrieval has used it up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Retrieval and filtering; an overrun is counted, and shortens what is left for the ranker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetrieveBudget { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The ranker: scores that arrive later than this (or past the deadline) are discarded, answer degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ScoreBudget { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Diversity, freshness and the top k; an overrun is counted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan OrderBudget { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Whether <c>/health/ready</c> may answer 200 while no model version is loaded (requests then get the popularity
    /// slate). Off by default: ready means a model serves.
    /// </summary>
    public bool ReadyWithoutModel { get; init; }

    /// <summary>
    /// After a swap, 5 s after the retired version's last request is done (the promotion's own loading is garbage by
    /// then), run one compacting, decommitting garbage collection off the request thread (a pause of about half a second at a million videos): without it the old
    /// version's memory stays resident (at a million videos 2.4 GB after a promotion against 1.0 GB before, even after
    /// a background collection; with it, 1.0 GB), and resident memory costs latency on this kind of VM (benchmarks/RESULTS.md, memory).
    /// </summary>
    public bool CollectAfterSwap { get; init; } = true;

    /// <summary>At most this share of a slate from one category (at least one video); 1 turns the cap off.</summary>
    [Range(0.01, 1.0)]
    public double MaxCategoryShare { get; init; } = 0.4;

    /// <summary>At most this many videos of one creator in a slate; 0 turns the cap off.</summary>
    [Range(0, 200)]
    public int MaxPerCreator { get; init; } = 2;

    /// <summary>Score multiplier for a video uploaded just now: score x (1 + boost x 2^(-age / half-life)); 0 turns it off.</summary>
    [Range(0.0, 10.0)]
    public double FreshnessBoost { get; init; } = 0.1;

    /// <summary>Half-life of the freshness boost: a video this old gets half of it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan FreshnessHalfLife { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Share of each ranked slate's positions given to videos drawn uniformly at random from the allowed catalog
    /// (<see cref="Pipeline.ExplorationStage"/>): the impressions that exploration validation compares models on, and
    /// training data the serving model did not choose. 0 turns exploration off.
    /// </summary>
    [Range(0.0, 0.5)]
    public double ExplorationShare { get; init; } = 0.1;

    /// <summary>
    /// Whether the server logs every served slate (the impression log). Off only where the client logs what it
    /// showed itself, as the simulator's sessions do, so no showing is stored twice.
    /// </summary>
    public bool LogImpressions { get; init; } = true;

    /// <summary>
    /// Share of the slates served to user ids not in the catalog that the impression log keeps (sampled by request id);
    /// 0 keeps none. Bounds what requests for made-up ids can add to the store.
    /// </summary>
    [Range(0.0, 1.0)]
    public double UnknownUserSlateShare { get; init; } = 0.01;

    /// <summary>
    /// After the user-feature warm-up, fill the item-to-item related rows of the cached users' seeds in the background
    /// (<see cref="RelatedVideosWarmup"/>), so requests at a large catalog do not search for cold seeds.
    /// </summary>
    public bool WarmUpRelatedVideos { get; init; } = true;

    /// <summary>Slates waiting to be written as impressions; when full, new slates are dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int ImpressionQueueCapacity { get; init; } = 4096;

    /// <summary>How often queued impressions are written, in one batch, through the event writer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan ImpressionFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Impressions (slate positions) per write; a larger backlog is written in several.</summary>
    [Range(1, 100_000)]
    public int ImpressionMaxEventsPerWrite { get; init; } = 5000;

    /// <summary>Candidate rows whose raw ranker features go to the served-slate listeners.</summary>
    [Range(0, 64)]
    public int FeatureSampleRows { get; init; } = 8;

    /// <summary>How long the popularity slate used while no model serves is reused before it is rebuilt.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ColdStartRefresh { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events window the popularity slate is counted over.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan ColdStartWindow { get; init; } = TimeSpan.FromDays(3);
}
