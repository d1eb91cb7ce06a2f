using Microsoft.Extensions.Options;
using RecEngine.Features;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// The serving stages, Retrieve -> Filter -> Score -> Order, for a user whose features the caller supplies, with no
/// deadline, no exploration and nothing logged: what <c>GET /v1/recommendations</c> answers with exploration off.
/// Offline evaluation, held-out validation and the first-model gate score model versions through it, so what they
/// report is what serves.
/// </summary>
internal sealed class SlateReplay(ServingOptions options)
{
    private readonly FilterStage _filter = new();
    private readonly ScoreStage _score = new(new OnnxCandidateRanker(), TimeProvider.System);
    private readonly OrderStage _order = new(Options.Create(options));

    /// <summary>The stages' state after ordering: <see cref="SlateContext.Slate"/> holds the top <paramref name="k"/>.</summary>
    public SlateContext Run(ServingSnapshot snapshot, UserFeatures features, DateTime now, int k)
    {
        var slate = new SlateContext(snapshot, new SlateRequest(features.UserId, k, [], false), new HashSet<int>(), now);
        RetrieveStage.Run(slate, features);
        _filter.Run(slate);
        if (_score.Run(slate, TimeSpan.MaxValue) is not null)
        {
            // As serving answers a failed ranker: retrieval order.
            slate.WatchTime = null;
            slate.PWatch = null;
        }

        _order.Run(slate);
        return slate;
    }

    /// <summary>The video indexes of the slate, best first.</summary>
    public static int[] VideoIndexes(SlateContext slate) => [.. slate.Slate.Select(r => slate.Candidates[r.Candidate].VideoIndex)];
}
