using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RecEngine.Hosting;

/// <summary>
/// Admin endpoints (model promotion, retraining, bulk import) require the configured key in <c>X-Api-Key</c>.
/// No key configured means every admin call is refused (403), so a fresh install exposes nothing by default.
/// </summary>
public static class AdminKey
{
    public const string Header = "X-Api-Key";

    /// <summary>Puts the admin-key check in front of an endpoint or a group.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var configured = http.RequestServices.GetRequiredService<IOptions<RecEngineOptions>>().Value.AdminApiKey;
            // Null when configuration names the key without a value (for example "AdminApiKey": null).
            if (string.IsNullOrEmpty(configured))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Admin endpoints are disabled.",
                    detail: $"Set RecEngine:AdminApiKey and send it in the {Header} header.");
            }

            var sent = http.Request.Headers[Header].ToString();
            if (!Matches(sent, configured))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Admin key missing or wrong.",
                    detail: $"Send the key configured in RecEngine:AdminApiKey in the {Header} header.");
            }

            return await next(context);
        });

    /// <summary>Constant-time comparison, so the key cannot be guessed byte by byte from response times.</summary>
    internal static bool Matches(string sent, string configured) =>
        sent.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(configured));
}
