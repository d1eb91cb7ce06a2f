using RecEngine.Ranking.Features;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Scores one request's candidates with the snapshot's ranker. The seam between the pipeline and ONNX Runtime, so
/// tests can put a failing or slow ranker in its place.
/// </summary>
internal interface ICandidateRanker
{
    void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime);
}

/// <summary>The snapshot's ONNX ranker through its <see cref="CandidateScorer"/> (features from the version's fitted spec).</summary>
internal sealed class OnnxCandidateRanker : ICandidateRanker
{
    public void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime) =>
        snapshot.Scorer.Score(user, videos, context, snapshot.Videos, snapshot.Retrieval, snapshot.Trending, pWatch, watchTime);
}
