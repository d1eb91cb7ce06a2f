using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>
/// One recommended video. <see cref="Score"/> is what the slate is ordered by (the ranker's expected watch time with
/// the freshness boost) and <see cref="PWatch"/> the ranker's P(watch); both are null in a degraded slate the ranker
/// did not order.
/// </summary>
internal sealed record RecommendedVideo(string VideoId, string Title, string Category, float? Score, float? PWatch, IReadOnlyList<CandidateSourceKind> Sources);

/// <summary>
/// A slate, best first: the model version that ranked it (null when none serves), the request id that impressions and
/// later events carry, and whether it is a fallback (<see cref="Degraded"/>, with <see cref="DegradedReason"/>).
/// <see cref="Explain"/> is set only when the request asked for it.
/// </summary>
internal sealed record Recommendations(
    string RequestId,
    string UserId,
    string? ModelVersion,
    bool Degraded,
    string? DegradedReason,
    IReadOnlyList<RecommendedVideo> Videos,
    SlateExplanation? Explain);

/// <summary>Per-stage timings and candidate counts of one request (<c>explain=true</c>).</summary>
internal sealed record SlateExplanation(double DeadlineMs, double TotalMs, IReadOnlyList<StageTrace> Stages);

/// <summary>One stage of one request: how long it took, how many candidates went in and came out, and what happened.</summary>
internal sealed record StageTrace(string Stage, double Ms, int CandidatesIn, int CandidatesOut, string Outcome);

/// <summary>Why a slate is degraded (the <c>degraded_reason</c> values, also the metric's label).</summary>
internal static class DegradedReasons
{
    /// <summary>No model version serves yet: a popularity slate.</summary>
    public const string NoModel = "no_model";

    /// <summary>The ranker threw or returned non-finite scores: retrieval order.</summary>
    public const string RankerFailed = "ranker_failed";

    /// <summary>The ranker answered after its budget or the request's deadline: retrieval order.</summary>
    public const string RankerTimeout = "ranker_timeout";

    /// <summary>Retrieval used up the request's deadline, so the ranker was not run: retrieval order.</summary>
    public const string DeadlineExceeded = "deadline_exceeded";

    /// <summary>Retrieval failed unexpectedly: a popularity slate.</summary>
    public const string Error = "error";

    /// <summary>A catalog shard of the cluster (<c>serve --cluster</c>) missed the retrieval deadline: ranked from the other shards' candidates.</summary>
    public const string ShardsMissing = "shards_missing";
}
