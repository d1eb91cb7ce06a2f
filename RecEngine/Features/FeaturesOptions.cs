using System.ComponentModel.DataAnnotations;

namespace RecEngine.Features;

/// <summary>Feature settings, section <c>RecEngine:Features</c>.</summary>
public sealed record FeaturesOptions
{
    public const string Section = "RecEngine:Features";

    /// <summary>Users whose online features are held in memory; the least recently used are evicted past it.</summary>
    [Range(16, 10_000_000)]
    public int UserCacheCapacity { get; init; } = 100_000;
}
