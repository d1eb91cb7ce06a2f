using System.ComponentModel.DataAnnotations;

namespace RecEngine.Retrieval.Candidates;

/// <summary>Candidate generation settings, section <c>RecEngine:Candidates</c>.</summary>
public sealed record CandidateOptions
{
    public const string Section = "RecEngine:Candidates";

    /// <summary>
    /// Candidates handed to the ranker: retrieval and scoring cost grow with it (the HNSW search's k and one ONNX row
    /// per candidate), and the ranker orders fewer candidates better while recall falls (docs/decisions/0002).
    /// </summary>
    [Range(1, 5000)]
    public int Count { get; init; } = 300;

    /// <summary>Shares of <see cref="Count"/> per source; a source that comes up short leaves its share to the others.</summary>
    [Range(0, 1)]
    public double PersonalShare { get; init; } = 0.35;

    [Range(0, 1)]
    public double CoWatchShare { get; init; } = 0.25;

    [Range(0, 1)]
    public double ItemToItemShare { get; init; } = 0.15;

    [Range(0, 1)]
    public double TrendingShare { get; init; } = 0.15;

    [Range(0, 1)]
    public double FreshShare { get; init; } = 0.10;

    /// <summary>How many extra proposals to ask each source for, to survive exclusions and duplicates.</summary>
    [Range(1, 20)]
    public double OverFetch { get; init; } = 1.5;

    /// <summary>Recent watches whose vectors seed item-to-item retrieval.</summary>
    [Range(0, 50)]
    public int ItemToItemSeeds { get; init; } = 5;

    public TimeSpan TrendingHalfLife { get; init; } = TimeSpan.FromDays(1);

    public TimeSpan TrendingWindow { get; init; } = TimeSpan.FromDays(3);

    public TimeSpan FreshWindow { get; init; } = TimeSpan.FromDays(3);

    public double Share(CandidateSourceKind kind) => kind switch
    {
        CandidateSourceKind.Personal => PersonalShare,
        CandidateSourceKind.ItemToItem => ItemToItemShare,
        CandidateSourceKind.Trending => TrendingShare,
        CandidateSourceKind.CoWatch => CoWatchShare,
        _ => FreshShare,
    };
}
