using System.Net;
using System.Net.Http.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Monitoring;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task MetricsExposeRequestLatencyAndIngestion()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("m1"), TestWorld.Event("m2") }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", TestWorld.Event("m1")));

        var response = await client.GetAsync("/metrics");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("http_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("endpoint=\"/v1/events\"", text, StringComparison.Ordinal);
        Assert.Contains("recengine_ingest_commit_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("recengine_ingest_queue_events", text, StringComparison.Ordinal);
        // Other tests in this process share the exporter, so the count is at least this test's two.
        var stored = text.Split('\n').Single(l => l.StartsWith("recengine_ingest_events_total{", StringComparison.Ordinal) && l.Contains("outcome=\"stored\"", StringComparison.Ordinal));
        Assert.True(double.Parse(stored.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= 2, stored);
    }
}
