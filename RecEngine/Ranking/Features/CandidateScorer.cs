using System.Buffers;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Ranking.Features;

/// <summary>
/// Scores one user's candidates in one ONNX Runtime call: raw features imputed by the fitted spec of the same
/// model version, then the ranker, whose graph normalises them. The path serving and offline evaluation share.
/// </summary>
public sealed class CandidateScorer(OnnxRanker ranker, FittedFeatureSpec spec)
{
    public OnnxRanker Ranker => ranker;

    public FittedFeatureSpec Spec => spec;

    public void Score(
        UserContext user,
        ReadOnlySpan<int> videos,
        ImpressionContext context,
        VideoSnapshot snapshot,
        RetrievalModel? model,
        TrendingIndex trending,
        Span<float> pWatch,
        Span<float> watchTime)
    {
        var rows = videos.Length;
        var d = spec.RawWidth;
        var f = spec.IdWidth;
        var dense = ArrayPool<float>.Shared.Rent(Math.Max(1, rows * d));
        var ids = ArrayPool<long>.Shared.Rent(Math.Max(1, rows * f));
        Span<double> numeric = stackalloc double[RankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var text = new string?[RankingFeatures.TextCount];
        try
        {
            for (var r = 0; r < rows; r++)
            {
                RankingFeatures.Raw(user, videos[r], context, snapshot, model, trending, numeric, categorical);
                spec.ImputeNumeric(numeric, dense.AsSpan(r * d, d));
                RankingFeatures.Text(videos[r], snapshot, text);
                spec.Ids(categorical, text, ids.AsSpan(r * f, f));
            }

            ranker.Score(dense.AsSpan(0, rows * d), ids.AsSpan(0, rows * f), rows, pWatch, watchTime);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dense);
            ArrayPool<long>.Shared.Return(ids);
        }
    }
}
