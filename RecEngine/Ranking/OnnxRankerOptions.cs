using System.ComponentModel.DataAnnotations;

namespace RecEngine.Ranking;

/// <summary>What the ranker's <c>watch_time</c> output, the score slates are ordered by, is (docs/decisions/0001).</summary>
public enum RankerOrder
{
    /// <summary>P(watch) x E[seconds | watched], a power law of the duration fitted on each version's watches.</summary>
    ExpectedWatchSeconds,

    /// <summary>exp of the weighted-logistic watch-time head (Covington et al. 2016), as before 2026-12-06.</summary>
    WatchTimeHead,

    /// <summary>
    /// P(watch) x ln(1 + E[seconds | watched] / 60): expected minutes with diminishing returns, so a likely watch weighs
    /// more against a long one. The retention-leaning order (docs/decisions/0008-satisfaction-order.md).
    /// </summary>
    ExpectedSatisfaction,
}

/// <summary>Scoring settings, section <c>RecEngine:Ranking</c>.</summary>
public sealed record OnnxRankerOptions
{
    public const string Section = "RecEngine:Ranking";

    /// <summary>
    /// Threads ONNX Runtime may use inside one Run. One by default: requests run in parallel already, and a
    /// few hundred candidates fit the budget on one core.
    /// </summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Training: how much more a watch counts in the watch-time head when its user came back within 24 hours (a
    /// watch then counts 1 + this). 0 trains on watch time alone. See docs/decisions/0006-return-signal.md.
    /// </summary>
    [Range(0, 10)]
    public double ReturnWeight { get; init; }

    /// <summary>
    /// Training: networks in the ranker, trained alike from consecutive seeds, their logits averaged inside the one
    /// exported graph. Each adds its training time and its share of the ranking stage's time (three networks score
    /// 300 candidates in 2.3x one network's time); 1 trains a single network. Unset, a catalog under
    /// <see cref="LargeCatalogVideos"/> videos trains three and a larger one trains one, where the request's CPU is
    /// what limits serving (docs/decisions/0007-networks-by-catalog-size.md).
    /// </summary>
    [Range(1, 16)]
    public int? Networks { get; init; }

    /// <summary>The catalog size from which an unset <see cref="Networks"/> trains one network instead of three.</summary>
    public const int LargeCatalogVideos = 100_000;

    /// <summary>The networks to train for a catalog of <paramref name="videos"/> videos: <see cref="Networks"/> when set.</summary>
    public int NetworksFor(int videos) => Networks ?? (videos >= LargeCatalogVideos ? 1 : 3);

    /// <summary>
    /// Training: what orders the slates of the versions it trains. ExpectedWatchSeconds (the default) served more watch
    /// time in every measurement (the demo world, `simulate`); ExpectedSatisfaction trades watch time for users who
    /// come back (docs/decisions/0008-satisfaction-order.md). A positive
    /// <see cref="ReturnWeight"/> on data with impressions uses the head whatever this says: the return signal lives
    /// in its weights.
    /// </summary>
    public RankerOrder Order { get; init; } = RankerOrder.ExpectedWatchSeconds;

    /// <summary>
    /// Training on logged slates: at most this many of a user's impressions in the ranker's window, drawn at random, so
    /// that the most active users do not dominate the loss (Covington et al. 2016). 0 (the default) keeps every
    /// impression. 32 raised the served recall@20 by 6-7% on three demo worlds and left `simulate`'s retention where
    /// it was; it is not yet measured at 1M videos (benchmarks/RESULTS.md, Offline quality, 2026-12-07 22:21).
    /// Imported data has no impressions and is not affected.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxImpressionsPerUser { get; init; }

    /// <summary>
    /// Training on a window that holds the pipeline's own slates (explored impressions): whether the ranker also learns
    /// from pool examples (each user's newest watches against retrieval's candidates), as it does on the logging
    /// policy's history and on imports. Off by default: on served days those watches are mostly of what the serving
    /// model chose to show, so they teach the ranker the serving model back. Left out, `simulate`'s retraining runs
    /// served 0.94-1.32x the expected watch seconds per slate in five paired runs (1.09x on average), kept day 0's
    /// users as well, and retrained faster, without the pool's second retrieval model (benchmarks/RESULTS.md, simulate,
    /// 2026-12-08 00:27).
    /// </summary>
    public bool PoolExamplesOnServedDays { get; init; }
}
