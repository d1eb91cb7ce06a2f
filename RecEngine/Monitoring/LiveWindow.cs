namespace RecEngine.Monitoring;

/// <summary>Live values of one numeric feature: a uniform sample and how many values it was drawn from.</summary>
internal sealed record NumericLiveSample(double[] Values, long Seen);

/// <summary>
/// What served traffic looked like over one window, per feature: numeric features as a bounded uniform
/// sample, categorical features as counts. Immutable once taken; the detector does not change it.
/// </summary>
internal sealed record LiveWindow
{
    public static readonly LiveWindow Empty = new();

    public DateTimeOffset Start { get; init; }

    public DateTimeOffset End { get; init; }

    public IReadOnlyDictionary<string, NumericLiveSample> Numeric { get; init; } = new Dictionary<string, NumericLiveSample>();

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Categorical { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, long>>();
}
