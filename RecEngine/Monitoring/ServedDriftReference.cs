namespace RecEngine.Monitoring;

/// <summary>
/// A model version's served reference: the served-slate features (ranker inputs and score) as its first served slates
/// showed them (<see cref="ServedReferenceCapture"/>). Stored as <see cref="FileName"/> beside the version's artifacts
/// but outside its checksummed manifest, since it is written after training, while the version serves; a restart
/// reads it back instead of capturing again.
/// </summary>
internal static class ServedDriftReference
{
    public const string FileName = "served_drift_reference.json";

    /// <summary>The stored served reference of the version in <paramref name="versionDir"/>, or null when none is.</summary>
    public static ReferenceProfile? TryLoad(string versionDir)
    {
        var path = Path.Combine(versionDir, FileName);
        return File.Exists(path) ? ReferenceProfile.FromJson(File.ReadAllText(path)) : null;
    }

    /// <summary>Writes to a temp file and renames it into place, so a crash never leaves half a reference.</summary>
    public static void Save(ReferenceProfile reference, string versionDir)
    {
        Directory.CreateDirectory(versionDir);
        var path = Path.Combine(versionDir, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, reference.ToJson());
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Adds features built from captured values to <paramref name="served"/> (null: none yet).</summary>
    public static ReferenceProfile Extend(
        ReferenceProfile? served, string version, DateTimeOffset capturedAt, IReadOnlyList<(string Feature, double[] Values)> full, MonitoringOptions options)
    {
        var features = served?.Features.ToDictionary(f => f.Name, StringComparer.Ordinal) ?? new Dictionary<string, FeatureReference>(StringComparer.Ordinal);
        foreach (var (feature, values) in full)
        {
            features[feature] = NumericFeatureReference.Build(feature, values, options.PsiBins, options.ReferenceSampleSize, seed: 43) with { Origin = ReferenceOrigin.Served };
        }

        return new ReferenceProfile
        {
            ModelVersion = version,
            CapturedAt = capturedAt,
            Features = features.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>
    /// What the monitor compares with: the event features (<see cref="EventDriftFeatures.Names"/>) of
    /// <paramref name="training"/>, and every other feature from <paramref name="served"/>. A served-slate feature of
    /// the training reference with no served reference yet stays in the profile with no values, so the report names it
    /// as insufficient data rather than leaving it out or comparing it with the training impressions.
    /// </summary>
    public static ReferenceProfile Combine(ReferenceProfile training, ReferenceProfile? served)
    {
        var servedByName = served?.Features.ToDictionary(f => f.Name, StringComparer.Ordinal) ?? [];
        var features = new List<FeatureReference>(training.Features.Count + servedByName.Count);
        foreach (var f in training.Features)
        {
            if (EventDriftFeatures.Names.Contains(f.Name))
            {
                features.Add(f with { Origin = ReferenceOrigin.Training });
            }
            else if (!servedByName.ContainsKey(f.Name))
            {
                features.Add(Pending(f.Name));
            }
        }

        // Served files stored before origins were recorded read back as training; these are served whatever the file says.
        features.AddRange(servedByName.Values.Select(f => f with { Origin = ReferenceOrigin.Served }));
        return training with { Features = features };
    }

    /// <summary>A feature whose served reference is still being captured: no sample, so never tested.</summary>
    private static NumericFeatureReference Pending(string name) =>
        new() { Name = name, Count = 0, BinEdges = [], BinCounts = [0], Sample = [], Origin = ReferenceOrigin.Served };
}
