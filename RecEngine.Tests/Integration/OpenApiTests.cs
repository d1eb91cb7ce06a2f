using System.Net;
using System.Text.Json;

namespace RecEngine.Tests.Integration;

public sealed class OpenApiTests
{
    [Fact]
    public async Task TheDocumentDescribesEveryMappedEndpoint()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var described = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet(StringComparer.Ordinal);

        var routes = MappedRoutes.Of(factory.Services);
        var documented = routes.Where(r => r.Documented).ToList();
        var missing = documented
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Template}"))
            .Where(op => !described.Contains(op))
            .ToList();

        Assert.True(missing.Count == 0, $"Not in /openapi/v1.json: {string.Join(", ", missing)}; described: {string.Join(", ", described)}");
        // The enumeration itself must see the API, or an empty route list would pass.
        Assert.Contains(documented, r => r.Template == "/v1/recommendations/{userId}");
        Assert.Contains(documented, r => r.Template == "/v1/events");
        // Only infrastructure is left out of the document, and explicitly so.
        Assert.All(routes.Where(r => !r.Documented), r => Assert.Matches("^/(metrics|health/|openapi/)", r.Template));
    }
}
