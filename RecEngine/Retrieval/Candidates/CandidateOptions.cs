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

    /// <summary>Share of <see cref="Count"/> for the personal source (nearest videos to the user's vector). The shares of the sources; a source that comes up short leaves its share to the others.</summary>
    [Range(0, 1)]
    public double PersonalShare { get; init; } = 0.35;

    /// <summary>Share of the co-watch source (videos watched by those who watched the user's latest).</summary>
    [Range(0, 1)]
    public double CoWatchShare { get; init; } = 0.25;

    /// <summary>Share of the item-to-item source (nearest videos to the user's latest watches).</summary>
    [Range(0, 1)]
    public double ItemToItemShare { get; init; } = 0.15;

    /// <summary>Share of the trending source (decayed recent popularity).</summary>
    [Range(0, 1)]
    public double TrendingShare { get; init; } = 0.15;

    /// <summary>Share of the fresh source (recent uploads).</summary>
    [Range(0, 1)]
    public double FreshShare { get; init; } = 0.10;

    /// <summary>How many extra proposals to ask each source for, to survive exclusions and duplicates.</summary>
    [Range(1, 20)]
    public double OverFetch { get; init; } = 1.5;

    /// <summary>Recent watches whose vectors seed item-to-item retrieval.</summary>
    [Range(0, 50)]
    public int ItemToItemSeeds { get; init; } = 5;

    /// <summary>Half-life of an event's weight in trending: an event this old counts half.</summary>
    public TimeSpan TrendingHalfLife { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Events of this last stretch of time make up trending.</summary>
    public TimeSpan TrendingWindow { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Uploads this recent are proposed by the fresh source.</summary>
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
