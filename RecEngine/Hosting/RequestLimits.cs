using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace RecEngine.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter with one token bucket per client (remote IP), answering 429 ProblemDetails with
/// Retry-After; and Kestrel's request body limit from <see cref="RequestLimitsOptions"/>.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Partition of requests without a remote address (in-process test servers).</summary>
    public const string UnknownClient = "unknown";

    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitsOptions>()
            .BindConfiguration(RequestLimitsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RequestLimitsOptions>>((rate, limits) =>
            {
                var options = limits.Value;
                rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                rate.OnRejected = WriteRejectionAsync;
                rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => options.RateLimitEnabled
                    ? RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => Bucket(options))
                    : RateLimitPartition.GetNoLimiter(UnknownClient));
            });
        builder.Services.AddRateLimiter(_ => { });
        return builder;
    }

    /// <summary>The client a request is counted against: its remote IP address.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? UnknownClient;

    internal static TokenBucketRateLimiterOptions Bucket(RequestLimitsOptions options) => new()
    {
        TokenLimit = options.Burst,
        TokensPerPeriod = options.PermitsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        // Refused at once rather than queued: a queue would only turn a burst into latency for everyone.
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests from this client.",
                Detail = $"Retry after {seconds} s. The per-client limit is set by RecEngine:Limits:PermitsPerSecond and Burst.",
            },
        });
    }
}
