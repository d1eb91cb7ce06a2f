using System.ComponentModel.DataAnnotations;

namespace RecEngine.Lifecycle;

/// <summary>
/// Canary promotion, section <c>RecEngine:Lifecycle:Canary</c>. A validated candidate serves <see cref="Share"/> of
/// users until the next retraining, which promotes or rejects it by <see cref="CanaryComparison"/> (watch seconds per
/// slate against the serving model's over the same hours). Held-out validation is then recorded but does not decide:
/// every offline comparison measured here favours the serving model or cannot see a catastrophic candidate
/// (benchmarks/RESULTS.md, simulate). The very first model has no baseline and is promoted if it beats most_popular, either way.
/// </summary>
public sealed record CanaryOptions
{
    public const string Section = LifecycleOptions.Section + ":Canary";

    /// <summary>
    /// Share of users a candidate serves as a canary until the next retraining. 0 turns canaries off: held-out
    /// validation decides and the candidate is promoted at once.
    /// </summary>
    [Range(0.0, 0.5)]
    public double Share { get; init; } = 0.2;

    /// <summary>The canary is promoted if its watch seconds per slate are at least (1 - this) x the serving model's.</summary>
    [Range(-1.0, 1.0)]
    public double Tolerance { get; init; } = 0.1;

    /// <summary>
    /// Slates each arm of a canary needs before it is decided; with fewer, a retraining leaves the canary running and
    /// trains nothing.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MinSlates { get; init; } = 100;

    /// <summary>The knobs nothing reads with these settings.</summary>
    internal IEnumerable<InertKnob> Inert()
    {
        if (Share <= 0)
        {
            var mode = $"with canaries off ({Section}:{nameof(Share)} 0): held-out validation decides";
            yield return new InertKnob(nameof(Tolerance), mode);
            yield return new InertKnob(nameof(MinSlates), mode);
        }
    }
}
