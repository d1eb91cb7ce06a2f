namespace RecEngine.Features.Spec;

/// <summary>
/// Bad inputs seen by a fitted spec, per feature: missing (NaN or null), non-finite, negative where only
/// non-negative makes sense, and categories never seen in training. Counted, never thrown.
/// </summary>
internal sealed class FeatureQuality
{
    private readonly long[] _missing;
    private readonly long[] _nonFinite;
    private readonly long[] _negative;
    private readonly long[] _unseen;

    public FeatureQuality(int numeric, int categorical)
    {
        _missing = new long[numeric + categorical];
        _nonFinite = new long[numeric];
        _negative = new long[numeric];
        _unseen = new long[categorical];
        NumericCount = numeric;
    }

    private int NumericCount { get; }

    public long Missing(int feature) => Interlocked.Read(ref _missing[feature]);

    public long NonFinite(int numeric) => Interlocked.Read(ref _nonFinite[numeric]);

    public long Negative(int numeric) => Interlocked.Read(ref _negative[numeric]);

    public long Unseen(int categorical) => Interlocked.Read(ref _unseen[categorical]);

    internal void CountMissingNumeric(int i) => Interlocked.Increment(ref _missing[i]);

    internal void CountMissingCategorical(int i) => Interlocked.Increment(ref _missing[NumericCount + i]);

    internal void CountNonFinite(int i) => Interlocked.Increment(ref _nonFinite[i]);

    internal void CountNegative(int i) => Interlocked.Increment(ref _negative[i]);

    internal void CountUnseen(int i) => Interlocked.Increment(ref _unseen[i]);
}
