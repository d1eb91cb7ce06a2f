using System.Buffers;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Ranking.Features;

/// <summary>
/// Scores one user's candidates in one ONNX Runtime call: raw features imputed by the fitted spec of the same
/// model version, then the ranker, whose graph normalises them. The path serving and offline evaluation share.
/// The ids of a video's own fields (id, category, creator, title and tag tokens) depend only on the video and the
/// fitted spec, so they are hashed once per video per model version (<see cref="VideoIdRows"/>), not per request.
/// </summary>
internal sealed class CandidateScorer(OnnxRanker ranker, FittedFeatureSpec spec)
{
    private readonly VideoIdRows _videoIds = new(spec);

    public OnnxRanker Ranker => ranker;

    public FittedFeatureSpec Spec => spec;

    /// <summary>Bytes of the per-video id rows cached so far (<see cref="VideoIdRows"/>).</summary>
    public long VideoIdRowBytes => _videoIds.MemoryBytes;

    /// <summary>Names of the values <see cref="RawNumeric"/> writes per row (the spec's numeric features, in order).</summary>
    public static IReadOnlyList<string> RawNumericNames { get; } = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToArray();

    /// <summary>
    /// The raw numeric feature values (before imputation and normalisation) of <paramref name="videos"/>, row-major,
    /// <see cref="RawNumericNames"/> per row, NaN where missing: the sample served-slate monitoring compares against training.
    /// </summary>
    public static void RawNumeric(UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, VideoSnapshot snapshot, RetrievalModel? model, TrendingIndex trending, Span<float> values)
    {
        var width = RankingFeatures.NumericCount;
        Span<double> numeric = stackalloc double[width];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        for (var r = 0; r < videos.Length; r++)
        {
            RankingFeatures.Raw(user, videos[r], context, snapshot, model, trending, numeric, categorical);
            for (var i = 0; i < width; i++)
            {
                values[(r * width) + i] = (float)numeric[i];
            }
        }
    }

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
        long[] contextIds = [];
        try
        {
            for (var r = 0; r < rows; r++)
            {
                RankingFeatures.Raw(user, videos[r], context, snapshot, model, trending, numeric, categorical);
                spec.ImputeNumeric(numeric, dense.AsSpan(r * d, d));
                if (r == 0)
                {
                    contextIds = _videoIds.ContextIds(categorical);
                }

                _videoIds.CopyTo(videos[r], snapshot, contextIds, ids.AsSpan(r * f, f));
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
