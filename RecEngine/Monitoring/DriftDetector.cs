using System.Buffers;

namespace RecEngine.Monitoring;

/// <summary>
/// Compares live windows with a reference profile. Numeric features get two-sample Kolmogorov–Smirnov
/// (reference sample vs live sample) and PSI over the reference-quantile bins; categorical features get
/// chi-square homogeneity and PSI over the categories. The test p-values of all tested features are one
/// family for the multiple-testing correction, the PSI p-values another.
/// <para>
/// A feature drifts when its adjusted test p-value is at most DriftAlpha, or when its PSI is in the fixed
/// 0.25 band and also significant (adjusted PSI p-value at most DriftAlpha); warn likewise with WarnAlpha
/// and the 0.1 band. The fixed bands therefore never fire on noise from small windows, and a shift too
/// small for them is still caught by the test when the windows are large.
/// </para>
/// </summary>
internal sealed class DriftDetector
{
    /// <summary>E[K^2] of the Kolmogorov distribution, pi^2 / 12 (Kolmogorov 1933; its second moment).</summary>
    private const double KolmogorovSquaredMean = Math.PI * Math.PI / 12;

    private readonly MonitoringOptions _options;

    public DriftDetector(MonitoringOptions options)
    {
        _options = options;
    }

    public MonitoringOptions Options => _options;

    public DriftReport Check(ReferenceProfile reference, LiveWindow live, DateTimeOffset checkedAt) =>
        Check(reference, live, checkedAt, null);

    /// <param name="dispersions">
    /// Rolling features (<see cref="RollingBaselines"/>) by name, with the design effect to scale their test by, or null
    /// while they calibrate (then they are measured but not judged: insufficient_data, outside the correction's family).
    /// Features not named are compared with a fixed reference, unscaled.
    /// </param>
    public DriftReport Check(ReferenceProfile reference, LiveWindow live, DateTimeOffset checkedAt, IReadOnlyDictionary<string, double?>? dispersions)
    {
        var features = reference.Features;
        var raw = new Raw[features.Count];
        if (_options.MaxParallelism > 1)
        {
            Parallel.For(0, features.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism },
                i => raw[i] = Measure(features[i], live, dispersions));
        }
        else
        {
            for (var i = 0; i < features.Count; i++)
            {
                raw[i] = Measure(features[i], live, dispersions);
            }
        }

        var tested = new List<int>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i].Sufficient && !raw[i].Calibrating)
            {
                tested.Add(i);
            }
        }

        var testP = new double[tested.Count];
        var psiP = new double[tested.Count];
        for (var t = 0; t < tested.Count; t++)
        {
            testP[t] = raw[tested[t]].PValue;
            psiP[t] = raw[tested[t]].PsiPValue;
        }

        var testAdjusted = MultipleTesting.Adjust(testP, _options.Correction);
        var psiAdjusted = MultipleTesting.Adjust(psiP, _options.Correction);
        var report = new FeatureDrift[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            var r = raw[i];
            report[i] = r.Sufficient
                ? Describe(r, new FeatureDrift(r.Feature, r.Kind, r.Test, r.Statistic, r.PValue, null, r.Psi, Critical(r), r.PsiPValue, r.ReferenceCount, r.LiveCount, DriftState.InsufficientData))
                : Describe(r, new FeatureDrift(r.Feature, r.Kind, r.Test, null, null, null, null, null, null, r.ReferenceCount, r.LiveCount, DriftState.InsufficientData));
        }

        for (var t = 0; t < tested.Count; t++)
        {
            var r = raw[tested[t]];
            var state = Classify(testAdjusted[t], r.Psi, psiAdjusted[t]);
            report[tested[t]] = Describe(r, new FeatureDrift(
                r.Feature, r.Kind, r.Test, r.Statistic, r.PValue, testAdjusted[t], r.Psi, Critical(r), r.PsiPValue,
                r.ReferenceCount, r.LiveCount, state));
        }

        return new DriftReport(checkedAt, reference.ModelVersion, DriftReport.Overall(report), _options.Correction, report);
    }

    // One bin (a constant feature) has no critical value.
    private static double? Critical(Raw r) => double.IsFinite(r.PsiCritical) ? r.PsiCritical : null;

    private static FeatureDrift Describe(Raw r, FeatureDrift drift) => drift with
    {
        Baseline = r.Rolling ? ReferenceBaseline.Rolling : ReferenceBaseline.Fixed,
        Reference = r.Origin,
        Dispersion = r.Rolling && !r.Calibrating ? r.Dispersion : null,
        ObservedDispersion = r.Sufficient ? r.ObservedDispersion : null,
    };

    internal DriftState Classify(double adjustedP, double psi, double adjustedPsiP)
    {
        if (adjustedP <= _options.DriftAlpha || (psi >= _options.PsiDrift && adjustedPsiP <= _options.DriftAlpha))
        {
            return DriftState.Drift;
        }

        if (adjustedP <= _options.WarnAlpha || (psi >= _options.PsiWarn && adjustedPsiP <= _options.WarnAlpha))
        {
            return DriftState.Warn;
        }

        return DriftState.Ok;
    }

    private Raw Measure(FeatureReference feature, LiveWindow live, IReadOnlyDictionary<string, double?>? dispersions)
    {
        double? dispersion = null;
        var rolling = dispersions is not null && dispersions.TryGetValue(feature.Name, out dispersion);
        var raw = feature switch
        {
            NumericFeatureReference numeric => MeasureNumeric(numeric, live.Numeric.GetValueOrDefault(numeric.Name), dispersion ?? 1.0),
            CategoricalFeatureReference categorical => MeasureCategorical(categorical, live.Categorical.GetValueOrDefault(categorical.Name), dispersion ?? 1.0),
            _ => throw new NotSupportedException($"Unknown feature reference {feature.GetType().Name}."),
        };
        return raw with { Origin = feature.Origin, Rolling = rolling, Calibrating = rolling && dispersion is null, Dispersion = dispersion ?? 1.0 };
    }

    /// <summary>A sample size divided by the design effect: the independent observations it is worth.</summary>
    private static long Effective(long n, double dispersion) => Math.Max(1, (long)Math.Floor(n / dispersion));

    private Raw MeasureNumeric(NumericFeatureReference reference, NumericLiveSample? live, double dispersion)
    {
        var n = live?.Values.Length ?? 0;
        var result = new Raw { Feature = reference.Name, Kind = FeatureKind.Numeric, Test = DriftTest.KolmogorovSmirnov, ReferenceCount = reference.Count, LiveCount = n };
        if (live is null || n < _options.MinWindowSize || reference.Sample.Length < _options.MinWindowSize)
        {
            return result;
        }

        // The window is shared and immutable: sort a pooled copy, leaving out NaNs (no order, no bin).
        var buffer = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var kept = 0;
            foreach (var v in live.Values)
            {
                if (!double.IsNaN(v))
                {
                    buffer[kept++] = v;
                }
            }

            if (kept < _options.MinWindowSize)
            {
                return result with { LiveCount = kept };
            }

            n = kept;
            result = result with { LiveCount = kept };
            var sorted = buffer.AsSpan(0, n);
            RadixSort.Sort(sorted);
            var d = KolmogorovSmirnov.StatisticSorted(reference.Sample, sorted);
            var liveCounts = PopulationStabilityIndex.CountSorted(sorted, reference.BinEdges);
            var bins = liveCounts.Length;
            var psi = PopulationStabilityIndex.Compute(reference.BinCounts, liveCounts, _options.PsiEpsilon);
            // Under no change and independent sampling D^2 n m / (n + m) tends to the squared Kolmogorov distribution,
            // whose mean is pi^2 / 12.
            var sampleSizes = (double)reference.Sample.Length * n / (reference.Sample.Length + n);
            return result with
            {
                Sufficient = true,
                Statistic = d,
                PValue = KolmogorovSmirnov.PValue(d, (int)Effective(reference.Sample.Length, dispersion), (int)Effective(n, dispersion)),
                Psi = psi,
                PsiCritical = PopulationStabilityIndex.CriticalValue(bins, Effective(reference.Count, dispersion), Effective(n, dispersion), _options.DriftAlpha),
                PsiPValue = PopulationStabilityIndex.PValue(psi, bins, Effective(reference.Count, dispersion), Effective(n, dispersion)),
                ObservedDispersion = d * d * sampleSizes / KolmogorovSquaredMean,
            };
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    private Raw MeasureCategorical(CategoricalFeatureReference reference, IReadOnlyDictionary<string, long>? live, double dispersion)
    {
        long n = 0;
        if (live is not null)
        {
            foreach (var c in live.Values)
            {
                n += c;
            }
        }

        var result = new Raw { Feature = reference.Name, Kind = FeatureKind.Categorical, Test = DriftTest.ChiSquare, ReferenceCount = reference.Count, LiveCount = n };
        if (live is null || n < _options.MinWindowSize || reference.Count < _options.MinWindowSize)
        {
            return result;
        }

        // Columns: the reference categories, then categories only seen live.
        var categories = new List<string>(reference.Counts.Keys);
        foreach (var key in live.Keys)
        {
            if (!reference.Counts.ContainsKey(key))
            {
                categories.Add(key);
            }
        }

        var refCounts = new long[categories.Count];
        var liveCounts = new long[categories.Count];
        for (var k = 0; k < categories.Count; k++)
        {
            refCounts[k] = reference.Counts.GetValueOrDefault(categories[k]);
            liveCounts[k] = live.GetValueOrDefault(categories[k]);
        }

        var chi = ChiSquareTest.Homogeneity(refCounts, liveCounts);
        var psi = PopulationStabilityIndex.Compute(refCounts, liveCounts, _options.PsiEpsilon);
        var bins = categories.Count;
        return result with
        {
            Sufficient = true,
            Statistic = chi.Statistic,
            // Rao-Scott first-order correction: X^2 over the design effect, referred to the same chi-square.
            PValue = dispersion == 1.0 || chi.DegreesOfFreedom == 0
                ? chi.PValue
                : MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(chi.DegreesOfFreedom / 2.0, chi.Statistic / dispersion / 2.0),
            Psi = psi,
            PsiCritical = PopulationStabilityIndex.CriticalValue(bins, Effective(reference.Count, dispersion), Effective(n, dispersion), _options.DriftAlpha),
            PsiPValue = PopulationStabilityIndex.PValue(psi, bins, Effective(reference.Count, dispersion), Effective(n, dispersion)),
            ObservedDispersion = chi.DegreesOfFreedom == 0 ? 0 : chi.Statistic / chi.DegreesOfFreedom,
        };
    }

    private readonly record struct Raw
    {
        public required string Feature { get; init; }

        public required FeatureKind Kind { get; init; }

        public required DriftTest Test { get; init; }

        public required long ReferenceCount { get; init; }

        public required long LiveCount { get; init; }

        public bool Sufficient { get; init; }

        public double Statistic { get; init; }

        public double PValue { get; init; }

        public double Psi { get; init; }

        public double PsiCritical { get; init; }

        public double PsiPValue { get; init; }

        public double ObservedDispersion { get; init; }

        public ReferenceOrigin Origin { get; init; }

        public bool Rolling { get; init; }

        public bool Calibrating { get; init; }

        public double Dispersion { get; init; }
    }
}
