using System.ComponentModel.DataAnnotations;

namespace RecEngine.Hosting;

/// <summary>Top-level settings, section <c>RecEngine</c>.</summary>
public sealed record RecEngineOptions
{
    public const string Section = "RecEngine";

    /// <summary>Where the LiteDB file and model artifacts live; relative paths are under the content root.</summary>
    [Required]
    public string DataDir { get; init; } = "data/local";

    /// <summary>
    /// Whether <c>serve</c> on an empty data directory first generates the demo world (and whatever else the first-run
    /// steps do). Off for tests and for deployments that import their own data.
    /// </summary>
    public bool FirstRunDemo { get; init; } = true;

    /// <summary>Key required in <c>X-Api-Key</c> by admin endpoints. Empty means admin endpoints are refused.</summary>
    public string AdminApiKey { get; init; } = "";
}
