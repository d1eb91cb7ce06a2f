using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// One request's working state as it passes the stages: the leased snapshot it reads (one model version for the
/// whole request), the user, the candidates and their scores. Not shared between requests.
/// </summary>
internal sealed class SlateContext(ServingSnapshot snapshot, SlateRequest request, IReadOnlySet<int> categories, DateTime now)
{
    public ServingSnapshot Snapshot { get; } = snapshot;

    public SlateRequest Request { get; } = request;

    /// <summary>Requested category indexes in <see cref="ServingSnapshot.Videos"/>; empty means all.</summary>
    public IReadOnlySet<int> Categories { get; } = categories;

    public DateTime Now { get; } = now;

    public UserFeatures Features { get; set; } = null!;

    /// <summary>What retrieval was asked, including the exclusions the filter stage enforces.</summary>
    public CandidateRequest Retrieval { get; set; } = null!;

    /// <summary>Candidates in retrieval order; after the filter stage, only allowed ones.</summary>
    public IReadOnlyList<Candidate> Candidates { get; set; } = [];

    /// <summary>Video indexes of <see cref="Candidates"/>, in the same order (what the ranker scores).</summary>
    public int[] VideoIndexes { get; set; } = [];

    public UserContext? User { get; set; }

    /// <summary>The showing the ranker scores (<see cref="ImpressionContext.Serving"/>).</summary>
    public ImpressionContext Impression => ImpressionContext.Serving(Now, Request.Device, Features);

    /// <summary>The ranker's expected watch time per candidate; null when the ranker did not (or not in time) score.</summary>
    public float[]? WatchTime { get; set; }

    public float[]? PWatch { get; set; }

    /// <summary>The final slate: positions in <see cref="Candidates"/>, best first, and the score each was ordered by.</summary>
    public IReadOnlyList<RankedCandidate> Slate { get; set; } = [];

    /// <summary>Slate positions filled by <see cref="ExplorationStage"/> (ascending); null when none were.</summary>
    public int[]? ExploredPositions { get; set; }

    /// <summary>The ranker's P(watch) of a candidate; null when the ranker did not score it (degraded, or explored).</summary>
    public float? PWatchOf(int candidate) => PWatch is { } p && candidate < p.Length ? p[candidate] : null;
}

/// <summary>A candidate's place in the final slate: its position in the candidate list and the score it was ordered by.</summary>
internal readonly record struct RankedCandidate(int Candidate, float? Score);
