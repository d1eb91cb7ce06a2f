namespace RecEngine.Monitoring;

/// <summary>State of a feature, or of a whole check (the worst of its features).</summary>
public enum DriftState
{
    Ok,
    Warn,
    Drift,

    /// <summary>Too few live or reference values to test; not a guess either way.</summary>
    InsufficientData,
}

public enum FeatureKind
{
    Numeric,
    Categorical,
}

public enum DriftTest
{
    KolmogorovSmirnov,
    ChiSquare,
}

/// <summary>
/// How a feature's reference moves. Fixed: the serving version's reference for as long as it serves (the world's
/// context, such as the device mix). Rolling: the previous healthy check's window, with the test scaled by the
/// feature's usual interval-to-interval change (<see cref="RollingBaselines"/>), for features that move as time passes
/// or as the serving version's own traffic feeds back (counters, ages, served-slate features, outcomes).
/// </summary>
public enum ReferenceBaseline
{
    Fixed,
    Rolling,
}

/// <summary>Where the values a feature was compared with came from.</summary>
public enum ReferenceOrigin
{
    /// <summary>The serving version's training window (<see cref="TrainingDriftReference"/>).</summary>
    Training,

    /// <summary>The serving version's first served slates (<see cref="ServedDriftReference"/>).</summary>
    Served,

    /// <summary>The live window of an earlier check of the same version (a rolling reference).</summary>
    PreviousWindow,

    /// <summary>The last day of stored events before the server started (<see cref="DriftReferenceBootstrap"/>).</summary>
    StoredEvents,
}

/// <summary>
/// One feature in one check. Statistic and p-values are null when the state is insufficient_data.
/// PValue is the test's own; AdjustedPValue is after the multiple-testing correction across features.
/// PsiCriticalValue is the sample-size-aware cut-off at the drift alpha (Yurdakul 2018).
/// </summary>
public sealed record FeatureDrift(
    string Feature,
    FeatureKind Kind,
    DriftTest Test,
    double? Statistic,
    double? PValue,
    double? AdjustedPValue,
    double? Psi,
    double? PsiCriticalValue,
    double? PsiPValue,
    long ReferenceCount,
    long LiveCount,
    DriftState State)
{
    /// <summary>Whether the feature is compared with a fixed or a rolling reference.</summary>
    public ReferenceBaseline Baseline { get; init; }

    /// <summary>Where its reference values came from.</summary>
    public ReferenceOrigin Reference { get; init; }

    /// <summary>
    /// Rolling features: the design effect the test was scaled by (at least 1, the largest usual interval-to-interval
    /// change of recent healthy checks); null for fixed features and while a rolling one is still calibrating (its state
    /// is then insufficient_data).
    /// </summary>
    public double? Dispersion { get; init; }

    /// <summary>
    /// This check's statistic over its expectation under independent sampling with no change (KS: D^2 n m / (n + m) over
    /// pi^2 / 12; chi-square: X^2 over its degrees of freedom); about 1 for a stationary feature sampled independently.
    /// </summary>
    public double? ObservedDispersion { get; init; }
}

/// <summary>One check over every feature of the reference.</summary>
public sealed record DriftReport(
    DateTimeOffset CheckedAt,
    string ModelVersion,
    DriftState State,
    MultipleTestingCorrection Correction,
    IReadOnlyList<FeatureDrift> Features)
{
    /// <summary>The worst state of the features; insufficient_data only when no feature could be tested.</summary>
    public static DriftState Overall(IEnumerable<FeatureDrift> features)
    {
        var tested = false;
        var worst = DriftState.Ok;
        foreach (var f in features)
        {
            if (f.State == DriftState.InsufficientData)
            {
                continue;
            }

            tested = true;
            if (f.State > worst)
            {
                worst = f.State;
            }
        }

        return tested ? worst : DriftState.InsufficientData;
    }
}
