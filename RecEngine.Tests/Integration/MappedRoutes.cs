using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace RecEngine.Tests.Integration;

/// <summary>One mapped endpoint: its route template and the HTTP methods it answers.</summary>
public sealed record MappedRoute(string Template, IReadOnlyList<string> Methods, IReadOnlyList<string> Parameters, bool Documented);

/// <summary>The app's endpoints as routing sees them, so tests cover endpoints added later without being told.</summary>
public static class MappedRoutes
{
    /// <summary>Every route endpoint of a started app (create a client first so the host is built).</summary>
    public static IReadOnlyList<MappedRoute> Of(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => new MappedRoute(
                // A group's own route ("/v1/models" + "") comes out with a trailing slash; the document has none.
                "/" + (e.RoutePattern.RawText ?? "").Trim('/'),
                e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToArray() ?? [],
                e.RoutePattern.Parameters.Select(p => p.Name).ToArray(),
                e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true }))
            .ToList();
}
