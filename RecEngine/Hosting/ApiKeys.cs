using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace RecEngine.Hosting;

/// <summary>What a key lets a client do.</summary>
internal enum ApiScope
{
    /// <summary>Events and catalog writes.</summary>
    Ingest,

    /// <summary>A user's profile, features and history.</summary>
    Read,

    /// <summary>Models, retraining, backup.</summary>
    Admin,
}

/// <summary>
/// Scoped API keys in <c>X-Api-Key</c>, from configuration (<see cref="RecEngineOptions.IngestApiKey"/>,
/// <see cref="RecEngineOptions.ReadApiKey"/>, <see cref="RecEngineOptions.AdminApiKey"/>). A scope whose key is set
/// takes that key or the admin key; a scope without a key is open, which is what the local demo needs: the server binds
/// to loopback, and <see cref="UnsafeBinding"/> refuses to serve other addresses with an open scope unless
/// <see cref="RecEngineOptions.AllowAnonymous"/> says so. Keys are compared in constant time.
/// </summary>
internal static class ApiKeys
{
    public const string Header = "X-Api-Key";

    /// <summary>Puts the key check of <paramref name="scope"/> in front of an endpoint or a group.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<RecEngineOptions>>().Value;
            var configured = KeyOf(options, scope);
            if (string.IsNullOrEmpty(configured))
            {
                return await next(context);
            }

            var sent = http.Request.Headers[Header].ToString();
            if (Matches(sent, configured) || Matches(sent, options.AdminApiKey))
            {
                return await next(context);
            }

            var otherScope = Enum.GetValues<ApiScope>().Any(s => s != scope && Matches(sent, KeyOf(options, s)));
            return otherScope
                ? TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: $"This key does not grant the {Name(scope)} scope.",
                    detail: $"Send the {Name(scope)} key (RecEngine:{ConfigName(scope)}) or the admin key in the {Header} header.")
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "API key missing or wrong.",
                    detail: $"Send the {Name(scope)} key (RecEngine:{ConfigName(scope)}) or the admin key in the {Header} header.");
        });

    /// <summary>The admin scope: models, retraining, backup.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireScope(ApiScope.Admin);

    /// <summary>
    /// Why serving on <paramref name="urls"/> (the <c>urls</c> setting, ';'-separated) would be unsafe, or null: an
    /// address other than loopback while a scope has no key, unless anonymous access is allowed explicitly.
    /// </summary>
    public static string? UnsafeBinding(RecEngineOptions options, string? urls, bool portsOnAllInterfaces)
    {
        if (options.AllowAnonymous)
        {
            return null;
        }

        var open = Enum.GetValues<ApiScope>().Where(s => string.IsNullOrEmpty(KeyOf(options, s))).Select(Name).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        var exposed = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u)).ToList();
        if (portsOnAllInterfaces)
        {
            exposed.Add("HTTP_PORTS/HTTPS_PORTS (all interfaces)");
        }

        return exposed.Count == 0
            ? null
            : $"Refusing to serve on {string.Join(", ", exposed)} with no API key for the {string.Join(", ", open)} scope(s). " +
              "Set RecEngine:IngestApiKey, RecEngine:ReadApiKey and RecEngine:AdminApiKey, bind to localhost, " +
              "or set RecEngine:AllowAnonymous=true to serve without keys on purpose.";
    }

    internal static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (http://*:5000, http://+:5000) and 0.0.0.0 listen everywhere; "localhost" only on loopback.
        var hostStart = url.IndexOf("://", StringComparison.Ordinal);
        var rest = hostStart < 0 ? url : url[(hostStart + 3)..];
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Constant-time comparison, so a key cannot be guessed byte by byte from response times.</summary>
    internal static bool Matches(string sent, string? configured) =>
        sent.Length > 0 && !string.IsNullOrEmpty(configured) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(configured));

    private static string? KeyOf(RecEngineOptions options, ApiScope scope) => scope switch
    {
        ApiScope.Ingest => options.IngestApiKey,
        ApiScope.Read => options.ReadApiKey,
        _ => options.AdminApiKey,
    };

    private static string Name(ApiScope scope) => scope.ToString().ToLowerInvariant();

    private static string ConfigName(ApiScope scope) => $"{scope}ApiKey";
}
