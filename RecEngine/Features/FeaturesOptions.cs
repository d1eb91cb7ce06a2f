using System.ComponentModel.DataAnnotations;

namespace RecEngine.Features;

/// <summary>Feature settings, section <c>RecEngine:Features</c>.</summary>
public sealed record FeaturesOptions
{
    public const string Section = "RecEngine:Features";

    /// <summary>Users whose online features are held in memory; the least recently used are evicted past it.</summary>
    [Range(16, 10_000_000)]
    public int UserCacheCapacity { get; init; } = 100_000;

    /// <summary>Fill the cache at start from one scan of the store (<see cref="UserFeatureWarmup"/>), instead of one query per user on first request.</summary>
    public bool WarmUpUserFeatures { get; init; } = true;

    /// <summary>Events read per page of the warm-up scan; commits wait at most one page.</summary>
    [Range(100, 1_000_000)]
    public int WarmUpPageSize { get; init; } = 2_000;

    /// <summary>Linux nice value of the warm-up thread, so requests get the cores first.</summary>
    [Range(0, 19)]
    public int WarmUpNice { get; init; } = 10;

    /// <summary>
    /// Once the start-up warm-ups are done (user features, then related videos), and before the server reports ready,
    /// run one compacting, decommitting garbage collection (one pause, about a second at a million videos): the
    /// start-up loads and scans leave free space scattered through the heap, which stays resident otherwise, and
    /// resident memory costs latency on this kind of VM (benchmarks/RESULTS.md, memory). Before readiness, so the
    /// pause meets no request.
    /// </summary>
    public bool CompactHeapAfterWarmUp { get; init; } = true;
}
