namespace RecEngine.Hosting;

/// <summary>
/// The server listens on loopback only unless told otherwise (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Urls</c> in
/// configuration, or the <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c> that container images set). Kestrel's own default is
/// also localhost:5000, but stating it keeps it true when appsettings.json is absent or a base image sets ports.
/// </summary>
internal static class LocalhostBinding
{
    public const string DefaultUrl = "http://localhost:5000";

    private static readonly string[] AddressKeys = ["urls", "http_ports", "https_ports"];

    public static IHostApplicationBuilder BindLocalhostByDefault(this IHostApplicationBuilder builder)
    {
        if (!AddressKeys.Any(key => !string.IsNullOrWhiteSpace(builder.Configuration[key])))
        {
            // A source of its own rather than an indexer write, which fails on hosts whose only source is a chained one.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = DefaultUrl });
        }

        return builder;
    }
}
