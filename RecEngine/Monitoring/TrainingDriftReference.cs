using RecEngine.Models;
using RecEngine.Events;

namespace RecEngine.Monitoring;

/// <summary>
/// The reference profile a model version is stored with (<see cref="FileName"/> in its folder, covered by the
/// manifest): the ranker's raw input features and its score as serving computes them, over the training examples,
/// plus the event features of <see cref="EventDriftFeatures"/> over the training window.
/// </summary>
internal static class TrainingDriftReference
{
    public const string FileName = ModelVersionFolder.DriftReferenceFile;

    /// <summary>The live-window name of the ranker's score (expected watch seconds) of served videos.</summary>
    public const string ScoreFeature = "ranker_score";

    /// <summary>
    /// Ranker inputs that serving fixes to 0 by design (logged position and example age, Covington et al. 2016, 3.3):
    /// against the training window they would always "drift", so they are not watched.
    /// </summary>
    public static readonly IReadOnlySet<string> FixedAtServing = new HashSet<string>(StringComparer.Ordinal) { "position", "example_age_hours" };

    /// <param name="featureNames">The ranker's numeric feature names, in the order of each row.</param>
    /// <param name="rows">Raw (pre-normalisation) values per training example; NaN where missing.</param>
    /// <param name="scores">The ranker's score of each example as serving would compute it.</param>
    public static ReferenceProfile Build(
        string modelVersion,
        DateTimeOffset capturedAt,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<double[]> rows,
        ReadOnlySpan<float> scores,
        IEnumerable<InteractionEvent> events,
        MonitoringOptions options)
    {
        var features = new List<FeatureReference>();
        var column = new double[rows.Count];
        for (var f = 0; f < featureNames.Count; f++)
        {
            if (FixedAtServing.Contains(featureNames[f]))
            {
                continue;
            }

            for (var r = 0; r < rows.Count; r++)
            {
                column[r] = rows[r][f];
            }

            features.Add(NumericFeatureReference.Build(featureNames[f], column, options.PsiBins, options.ReferenceSampleSize, seed: 31 + f));
        }

        var scoreValues = new double[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scoreValues[i] = scores[i];
        }

        features.Add(NumericFeatureReference.Build(ScoreFeature, scoreValues, options.PsiBins, options.ReferenceSampleSize, seed: 29));
        features.AddRange(EventDriftFeatures.Reference(events, modelVersion, capturedAt, options).Features);
        return new ReferenceProfile { ModelVersion = modelVersion, CapturedAt = capturedAt, Features = features };
    }

    public static void Save(ReferenceProfile reference, ModelVersionFolder folder) =>
        File.WriteAllText(folder.DriftReference, reference.ToJson());

    /// <summary>The version's stored reference, or null when it was trained before references were stored.</summary>
    public static ReferenceProfile? TryLoad(string versionDir)
    {
        var path = ModelVersionFolder.At(versionDir).DriftReference;
        return File.Exists(path) ? ReferenceProfile.FromJson(File.ReadAllText(path)) : null;
    }
}
