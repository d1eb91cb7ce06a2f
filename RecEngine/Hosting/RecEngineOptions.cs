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

    /// <summary>
    /// Key for the admin scope (models, retraining, backup) in <c>X-Api-Key</c>; it also passes the other scopes. Empty
    /// leaves the scope open (allowed only on loopback, see <see cref="AllowAnonymous"/>).
    /// </summary>
    public string? AdminApiKey { get; init; } = "";

    /// <summary>Key for the ingest scope: <c>POST /v1/events</c> and catalog writes. Empty leaves the scope open.</summary>
    public string? IngestApiKey { get; init; } = "";

    /// <summary>Key for the read scope: a user's profile, features and history. Empty leaves the scope open.</summary>
    public string? ReadApiKey { get; init; } = "";

    /// <summary>
    /// Serve on addresses other than loopback with a scope that has no key. Off by default: <c>serve</c> then refuses to
    /// start (exit code 5) rather than expose events, catalog writes or models to anyone who can reach it.
    /// </summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>
    /// Whether commits are flushed to stable storage (fsync) before they are acknowledged. On by default; off only to
    /// measure what the flush costs (benchmarks): a 200 then survives kill -9 but not a power loss.
    /// </summary>
    public bool DurableCommits { get; init; } = true;
}
