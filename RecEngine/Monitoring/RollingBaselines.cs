namespace RecEngine.Monitoring;

/// <summary>
/// The rolling references of one serving version (<see cref="MonitoringOptions.RollingFeatures"/>): each such feature is
/// compared with the window of its previous healthy check, not with a reference fixed when the version started, and
/// its test is scaled by the largest interval-to-interval change its recent healthy checks showed.
/// <para>
/// Why: a counter that only grows (a user's watches, a video's age) is a different distribution every interval on a
/// stationary platform, and so is every feature of the serving version's own slates as its feedback loop turns (it
/// shows what it expects to be watched, which is then watched, trends and fills the user's history). Against a fixed
/// reference those features alarmed every day of the stationary simulation, which says nothing an operator can act on
/// and drift-triggered every retraining. Compared window to window, slow secular change stays below the test while an
/// abrupt step still stands out.
/// </para>
/// <para>
/// Why the scaling: consecutive windows differ by more than independent sampling explains. A slate's rows share a user
/// and a moment, a few heavy users serve many slates, and the world moves between windows, so the windows hold fewer
/// independent observations than values. The test statistic is divided by an estimate of that design effect (the
/// variance inflation of clustered samples, Kish 1965, Survey Sampling, section 8.2; dividing a chi-square statistic
/// by it is the first-order correction of Rao and Scott 1981, JASA 76:221-230), estimated as the largest ratio of the
/// statistic to its independent-sampling expectation over the last <see cref="MonitoringOptions.RollingHistory"/>
/// healthy checks (at least 1, so never more sensitive than the plain test). The largest rather than the mean, because
/// a mean of a few noisy ratios would make every ordinary change a few times the mean an alarm. A feature has no such
/// estimate until <see cref="MonitoringOptions.RollingWarmUpChecks"/> window-to-window comparisons after its first check
/// of a version (against the version's fixed reference), and reports insufficient_data until then.
/// </para>
/// <para>
/// What this gives up: a change slower than the feature's usual interval-to-interval change is absorbed, not flagged.
/// Slow drift of those features is left to scheduled retraining; the fixed features still catch slow drift of the
/// context.
/// </para>
/// Used on the drift monitor's thread only; a new serving version starts from a clean slate.
/// </summary>
internal sealed class RollingBaselines(MonitoringOptions options)
{
    private readonly HashSet<string> _rolling = new(options.RollingFeatures.Except(options.FixedFeatures, StringComparer.Ordinal), StringComparer.Ordinal);
    private readonly Dictionary<string, Rolling> _features = new(StringComparer.Ordinal);
    private string? _version;

    /// <summary>Whether <paramref name="feature"/> is compared with a rolling reference.</summary>
    public bool IsRolling(string feature) => _rolling.Contains(feature);

    /// <summary>
    /// The profile to compare with: <paramref name="reference"/> with each rolling feature's reference replaced by its
    /// previous healthy window once it has one; and for each rolling feature, the dispersion to scale its test by
    /// (null while it is calibrating).
    /// </summary>
    public (ReferenceProfile Profile, IReadOnlyDictionary<string, double?> Dispersions) Apply(ReferenceProfile reference)
    {
        if (!string.Equals(reference.ModelVersion, _version, StringComparison.Ordinal))
        {
            _features.Clear();
            _version = reference.ModelVersion;
        }

        var features = new List<FeatureReference>(reference.Features.Count);
        var dispersions = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var feature in reference.Features)
        {
            if (!_rolling.Contains(feature.Name))
            {
                features.Add(feature);
                continue;
            }

            var rolling = _features.GetValueOrDefault(feature.Name);
            features.Add(rolling?.Reference ?? feature);
            dispersions[feature.Name] = rolling is { History.Count: var n } && n >= options.RollingWarmUpChecks
                ? Math.Max(1.0, rolling.History.Max())
                : null;
        }

        return (reference with { Features = features }, dispersions);
    }

    /// <summary>
    /// After a check: each tested rolling feature that is not in drift adds its observed dispersion to its history and
    /// takes this window as its next reference. One in drift keeps its reference for up to
    /// <see cref="MonitoringOptions.RollingHoldChecks"/> checks, so the step stays flagged (and is not counted as usual
    /// while held); after them the new level and the size of the step are accepted.
    /// </summary>
    public void Advance(DriftReport report, LiveWindow window)
    {
        if (!string.Equals(report.ModelVersion, _version, StringComparison.Ordinal))
        {
            return;
        }

        var rebuild = new List<(string Feature, Rolling Rolling)>();
        foreach (var feature in report.Features)
        {
            if (feature.ObservedDispersion is not { } observed || !_rolling.Contains(feature.Feature))
            {
                // Not tested (too few values on either side): nothing learned, the reference stays.
                continue;
            }

            if (!_features.TryGetValue(feature.Feature, out var rolling))
            {
                rolling = new Rolling();
                _features[feature.Feature] = rolling;
            }

            if (feature.State == DriftState.Drift && rolling.Held < options.RollingHoldChecks)
            {
                rolling.Held++;
                continue;
            }

            // A healthy change is a usual one; so is a step once it is accepted as the new level, or the feature would
            // stay calibrated to the quieter checks before it and alarm on every ordinary change after it. Only a
            // comparison with a previous window is an interval-to-interval change: the first of a version, with its fixed
            // reference (another policy's training window for outcomes), is not, and counting it would blunt the test
            // for the next RollingHistory checks.
            if (feature.Reference == ReferenceOrigin.PreviousWindow)
            {
                rolling.History.Enqueue(observed);
                while (rolling.History.Count > options.RollingHistory)
                {
                    rolling.History.Dequeue();
                }
            }

            rolling.Held = 0;
            rebuild.Add((feature.Feature, rolling));
        }

        // Rebuilding a reference sorts and samples the feature's whole window: the bulk of a check's cost, so it runs
        // with the detector's parallelism.
        Parallel.ForEach(rebuild, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelism) }, item =>
        {
            item.Rolling.Reference = FromWindow(item.Feature, window) ?? item.Rolling.Reference;
        });
    }

    private FeatureReference? FromWindow(string feature, LiveWindow window)
    {
        if (window.Numeric.TryGetValue(feature, out var numeric))
        {
            return NumericFeatureReference.Build(feature, numeric.Values, options.PsiBins, options.ReferenceSampleSize, seed: 47) with
            {
                Origin = ReferenceOrigin.PreviousWindow,
            };
        }

        if (window.Categorical.TryGetValue(feature, out var counts))
        {
            return new CategoricalFeatureReference
            {
                Name = feature,
                Count = counts.Values.Sum(),
                Counts = new Dictionary<string, long>(counts, StringComparer.Ordinal),
                Origin = ReferenceOrigin.PreviousWindow,
            };
        }

        return null;
    }

    private sealed class Rolling
    {
        public FeatureReference? Reference { get; set; }

        public Queue<double> History { get; } = new();

        public int Held { get; set; }
    }
}
