using RecEngine.Serving;

namespace RecEngine.Monitoring;

/// <summary>
/// Feeds every served slate into drift monitoring: each sampled ranker feature value under the feature's name (NaN, a
/// missing value, left out) and the scores of the shown videos as <see cref="TrainingDriftReference.ScoreFeature"/>.
/// The first values of each feature a model version serves go to its served reference (<paramref name="capture"/>),
/// the rest into the live window. A degraded slate's order is retrieval's, not the ranker's, so its scores are not
/// counted.
/// <para>
/// A feature with the same value on every sampled row of a slate (the user's own features, repeated per candidate)
/// counts once: the rows are one observation of it, and counting each would make Kolmogorov–Smirnov treat eight
/// copies as eight independent draws, which makes it alarm on ordinary day-to-day variation (as
/// <see cref="EventDriftFeatures"/> counts device and hour once per slate for the same reason).
/// </para>
/// </summary>
internal sealed class ServedSlateRecorder(InMemoryDriftDataSource source, ServedReferenceCapture? capture = null) : IServedSlateListener
{
    public void OnServed(ServedSlate slate)
    {
        var width = slate.FeatureNames.Count;
        if (width > 0)
        {
            var rows = slate.FeatureValues.Length / width;
            Span<double> column = rows <= 256 ? stackalloc double[rows] : new double[rows];
            for (var f = 0; f < width; f++)
            {
                var kept = 0;
                var constant = true;
                for (var r = 0; r < rows; r++)
                {
                    var value = slate.FeatureValues[(r * width) + f];
                    if (!float.IsNaN(value))
                    {
                        constant &= kept == 0 || column[0] == value;
                        column[kept++] = value;
                    }
                }

                if (kept > 0)
                {
                    Record(slate.ModelVersion, slate.FeatureNames[f], column[..(constant ? 1 : kept)]);
                }
            }
        }

        if (!slate.Degraded && slate.Scores.Length > 0)
        {
            Span<double> scores = slate.Scores.Length <= 256 ? stackalloc double[slate.Scores.Length] : new double[slate.Scores.Length];
            for (var i = 0; i < slate.Scores.Length; i++)
            {
                scores[i] = slate.Scores[i];
            }

            Record(slate.ModelVersion, TrainingDriftReference.ScoreFeature, scores);
        }
    }

    private void Record(string version, string feature, ReadOnlySpan<double> values)
    {
        if (capture is null || !capture.TryCapture(version, feature, values))
        {
            source.Record(feature, values);
        }
    }
}
