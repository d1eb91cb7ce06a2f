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
    DriftState State);

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
