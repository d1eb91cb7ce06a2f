using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

public sealed class RequestLimitsTests
{
    [Fact]
    public async Task AClientOverItsBucketGets429ProblemWithRetryAfter()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Limits:PermitsPerSecond"] = "1",
            ["RecEngine:Limits:Burst"] = "3",
        });
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6 && refused is null; i++)
        {
            var response = await client.GetAsync("/health/live");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
        }

        Assert.True(refused is not null, "never refused: " + string.Join(",", statuses));
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<ProblemDetails>())?.Status);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {refused.Headers.RetryAfter}");
    }

    [Fact]
    public async Task TheDefaultsLetOneClientSendTheLoadTestsRate()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();

        // The load test sends 200 req/s from one loopback client; a burst of 400 at once must all pass.
        var responses = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => client.GetAsync("/health/live")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task KestrelsBodyLimitComesFromTheOptions()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Limits:MaxRequestBodyBytes"] = "65536" });
        using var client = factory.CreateClient();

        var kestrel = factory.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(65536, kestrel.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task AnInvalidLimitFailsAtStart()
    {
        await using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Limits:PermitsPerSecond"] = "0" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("PermitsPerSecond", error.ToString(), StringComparison.Ordinal);
    }
}
