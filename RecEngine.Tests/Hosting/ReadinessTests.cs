using System.Net;
using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary><c>/health/ready</c> names what is missing; <c>/health/live</c> runs no check.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Without_a_model_ready_is_503_naming_the_model_and_live_is_200()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");

        using var ready = await client.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("unhealthy", doc.RootElement.GetProperty("checks").GetProperty("model").GetProperty("status").GetString());
        Assert.Equal("healthy", doc.RootElement.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("healthy", doc.RootElement.GetProperty("checks").GetProperty("writer").GetProperty("status").GetString());
        var missing = Assert.Single(doc.RootElement.GetProperty("missing").EnumerateArray());
        Assert.StartsWith("model:", missing.GetString(), StringComparison.Ordinal);

        using var live = await client.GetAsync("/health/live");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, live);
    }

    [Fact]
    public async Task The_popularity_fallback_configured_explicitly_is_ready()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Serving:ReadyWithoutModel"] = "true" });
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");

        using var ready = await client.GetAsync("/health/ready");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, ready);
        using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Empty(doc.RootElement.GetProperty("missing").EnumerateArray());
    }
}
