using RecEngine.Events;
using RecEngine.Monitoring;
using RecEngine.Ranking.Features;
using RecEngine.Training.Datasets;

namespace RecEngine.Training;

/// <summary>
/// Captures a new version's drift reference from its training: the ranker examples' raw features, and their scores
/// computed the way serving computes them (position and example age 0), so a live score window is comparable.
/// </summary>
internal static class DriftReferenceCapture
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
        // The sampled examples as serving would see them, encoded by the trainer's own path.
        var asServed = new RankerDataset();
        for (var i = 0; i < data.Count; i += step)
        {
            rows.Add(data.Numeric[i]);
            var numeric = (double[])data.Numeric[i].Clone();
            foreach (var z in servingZero)
            {
                numeric[z] = 0;
            }

            asServed.Numeric.Add(numeric);
            asServed.Categorical.Add(data.Categorical[i]);
            asServed.Text.Add(data.Text[i]);
            asServed.Watched.Add(data.Watched[i]);
            asServed.WatchSeconds.Add(data.WatchSeconds[i]);
        }

        var examples = RankerModelTrainer.Encode(ranker.Spec, asServed);
        var pWatch = new float[rows.Count];
        var watchTime = new float[rows.Count];
        ranker.Ensemble.Predict(examples.Dense, examples.Categorical, rows.Count, pWatch, watchTime);
        return TrainingDriftReference.Build(version, capturedAt, names, rows, watchTime, window, options);
    }
}
