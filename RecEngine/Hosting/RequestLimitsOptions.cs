using System.ComponentModel.DataAnnotations;

namespace RecEngine.Hosting;

/// <summary>
/// Per-client rate limit and request size limits, section <c>RecEngine:Limits</c>. The defaults are generous on purpose:
/// one client on loopback (the load test at 200 req/s) stays far below them; lower them for a public deployment.
/// </summary>
public sealed record RequestLimitsOptions
{
    public const string Section = "RecEngine:Limits";

    /// <summary>Whether requests are rate limited per client at all.</summary>
    public bool RateLimitEnabled { get; init; } = true;

    /// <summary>Sustained requests per second one client (remote IP) may send: the token bucket's refill rate.</summary>
    [Range(1, 10_000_000)]
    public int PermitsPerSecond { get; init; } = 1000;

    /// <summary>Requests one client may send at once above the sustained rate: the token bucket's size.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; init; } = 2000;

    /// <summary>Largest request body Kestrel accepts (413 beyond it). <c>POST /v1/events</c> has its own, smaller limit.</summary>
    [Range(1024, 1L * 1024 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;
}
