using System.Net;
using System.Text.Json;

namespace RecEngine.Tests.Integration;

public sealed class OpenApiTests
{
    [Fact]
    public async Task TheDocumentDescribesEveryEndpoint()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var path in new[]
        {
            "/v1/recommendations/{userId}", "/v1/events", "/v1/videos/{id}", "/v1/users/{id}", "/v1/users/{id}/features", "/v1/monitoring/drift",
        })
        {
            Assert.Contains(path, paths);
        }
    }
}
