using System.Reflection;

namespace RecEngine.Api;

/// <summary>
/// The dashboard at <c>/</c>: one HTML page and its script (Api/Dashboard), embedded in the assembly so they are
/// served whatever the content root; the page reads <c>/v1/models</c>, <c>/v1/monitoring/drift</c>, <c>/metrics</c>
/// and <c>/v1/recommendations</c> from the browser.
/// </summary>
internal static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (CancellationToken cancellationToken) => Asset("index.html", "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/dashboard.js", (CancellationToken cancellationToken) => Asset("dashboard.js", "text/javascript; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"The dashboard's {name} is not embedded in the assembly.");
        return TypedResults.Stream(stream, contentType);
    }
}
