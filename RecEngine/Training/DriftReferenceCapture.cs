using RecEngine.Events;
using RecEngine.Monitoring;
using RecEngine.Ranking.Features;

namespace RecEngine.Training;

/// <summary>
/// Captures a new version's drift reference from its training: the ranker examples' raw features, and their scores
/// computed the way serving computes them (position and example age 0), so a live score window is comparable.
/// </summary>
public static class DriftReferenceCapture
{
    /// <summary>Most examples scored for the reference: quantile bins and a 10k sample need no more.</summary>
    public const int MaxExamples = 50_000;

    public static ReferenceProfile Capture(
        string version, DateTimeOffset capturedAt, TrainedRanker ranker, RankerDataset data, IEnumerable<InteractionEvent> window, MonitoringOptions options)
    {
        var names = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToArray();
        var servingZero = names.Select((n, i) => TrainingDriftReference.FixedAtServing.Contains(n) ? i : -1).Where(i => i >= 0).ToArray();
        var step = Math.Max(1, (data.Count + MaxExamples - 1) / MaxExamples);
        var rows = new List<double[]>();
        var categorical = new List<string?[]>();
        for (var i = 0; i < data.Count; i += step)
        {
            rows.Add(data.Numeric[i]);
            categorical.Add(data.Categorical[i]);
        }

        var spec = ranker.Spec;
        var d = spec.DenseWidth;
        var f = spec.Categorical.Length;
        var dense = new float[rows.Count * d];
        var ids = new long[rows.Count * f];
        var asServed = new double[names.Length];
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(asServed, 0);
            foreach (var z in servingZero)
            {
                asServed[z] = 0;
            }

            spec.TransformNumeric(asServed, dense.AsSpan(r * d, d));
            for (var c = 0; c < f; c++)
            {
                ids[(r * f) + c] = spec.CategoricalId(c, categorical[r][c]);
            }
        }

        var pWatch = new float[rows.Count];
        var watchTime = new float[rows.Count];
        ranker.Network.Predict(dense, ids, rows.Count, pWatch, watchTime);
        return TrainingDriftReference.Build(version, capturedAt, names, rows, watchTime, window, options);
    }
}
