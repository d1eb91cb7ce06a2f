namespace RecEngine.Monitoring;

/// <summary>
/// Feeds every served slate into the live drift window: each sampled ranker feature value under the feature's name
/// (NaN, a missing value, left out) and the scores of the shown videos as <see cref="TrainingDriftReference.ScoreFeature"/>.
/// A degraded slate's order is retrieval's, not the ranker's, so its scores are not counted.
/// </summary>
public sealed class ServedSlateRecorder(InMemoryDriftDataSource source) : IServedSlateListener
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
                for (var r = 0; r < rows; r++)
                {
                    var value = slate.FeatureValues[(r * width) + f];
                    if (!float.IsNaN(value))
                    {
                        column[kept++] = value;
                    }
                }

                if (kept > 0)
                {
                    source.Record(slate.FeatureNames[f], column[..kept]);
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

            source.Record(TrainingDriftReference.ScoreFeature, scores);
        }
    }
}
