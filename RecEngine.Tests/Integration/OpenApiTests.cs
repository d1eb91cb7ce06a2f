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
        Assert.All(routes.Where(r => !r.Documented), r => Assert.Matches("^/(metrics|health/|openapi/|scalar|dashboard\\.js$|$)", r.Template));
    }

    [Fact]
    public async Task TheApiReferenceIsServedFromTheAppOverTheDocument()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        var page = await client.GetAsync("/scalar/");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, page);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>RecEngine API</title>", html, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        // The script comes from the app itself, not a CDN: the reference works without a network.
        Assert.Contains("<script src=\"scalar.js\">", html, StringComparison.Ordinal);
        var script = await client.GetAsync("/scalar/scalar.js");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, script);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task TheHttpExamplesFileHasAnExampleOfEveryEndpoint()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        var file = Path.Combine(RepositoryRoot(), "RecEngine", "RecEngine.http");
        var examples = File.ReadAllLines(file)
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(GET|PUT|POST|DELETE) \{\{host\}\}([^?\s]*)"))
            .Where(m => m.Success)
            .Select(m => (Method: m.Groups[1].Value, Path: m.Groups[2].Value))
            .ToList();
        Assert.True(examples.Count > 10, $"{examples.Count} examples in {file}");

        var missing = MappedRoutes.Of(factory.Services)
            .Where(r => r.Documented)
            .SelectMany(r => r.Methods.Select(m => (Method: m, r.Template)))
            .Where(op =>
            {
                var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(op.Template, @"\{[^}]+\}", "[^/]+") + "$";
                return !examples.Any(e => e.Method == op.Method && System.Text.RegularExpressions.Regex.IsMatch(e.Path, pattern));
            })
            .Select(op => $"{op.Method} {op.Template}")
            .ToList();
        Assert.True(missing.Count == 0, $"No example in RecEngine.http for: {string.Join(", ", missing)}");
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RecEngine.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RecEngine.sln not found above " + AppContext.BaseDirectory);
    }
}
