using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace RecEngine.Tests.Integration;

/// <summary>
/// 10,000 seeded random and malformed requests (four seeds of 2,500, two of them with API keys configured and random,
/// wrong or missing keys sent) across every mapped endpoint of the app with a trained model serving: no 5xx (but 503
/// with Retry-After, the documented overload answer), and every 4xx is a ProblemDetails.
/// </summary>
public sealed class FuzzTests(ServedWorld world, ITestOutputHelper output) : IClassFixture<ServedWorld>
{
    private const int Requests = 2_500;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly string[] Keys = ["ingest-fuzz", "read-fuzz", "admin-fuzz"];

    [Theory]
    [InlineData(20261125, false)]
    [InlineData(7, true)]
    [InlineData(424242, false)]
    [InlineData(31337, true)]
    public async Task RandomAndMalformedRequestsGetNo5xxAndProblemDetailsFor4xx(int seed, bool withKeys)
    {
        var settings = new Dictionary<string, string?>
        {
            // The fuzzer is one client sending as fast as it can; rate limiting has its own test.
            ["RecEngine:Limits:PermitsPerSecond"] = "1000000",
            ["RecEngine:Limits:Burst"] = "1000000",
        };
        if (withKeys)
        {
            settings["RecEngine:IngestApiKey"] = Keys[0];
            settings["RecEngine:ReadApiKey"] = Keys[1];
            settings["RecEngine:AdminApiKey"] = Keys[2];
        }

        await using var factory = new RecEngineFactory(settings);
        world.CopyTo(factory.DataDir);
        using var client = factory.CreateClient();
        await ModelWait.UntilServingAsync(client, Timeout);
        // Readiness also waits for the start-up warm-ups: until then /health/ready answers 503 by design, without Retry-After.
        await ModelWait.UntilReadyAsync(client, Timeout);
        var keyChoice = new Random(seed);
        var routes = MappedRoutes.Of(factory.Services);
        var fuzz = new FuzzRequests(routes, seed);
        // One example per kind of failure (status and the start of the reason), with how often it happened.
        var failures = new Dictionary<string, (int Count, string Example)>(StringComparer.Ordinal);
        var statuses = new Dictionary<int, int>();
        var cost = new Dictionary<string, (int Count, TimeSpan Time)>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            using var request = fuzz.Next();
            if (withKeys && keyChoice.Next(5) is var k && k < 4)
            {
                request.Headers.TryAddWithoutValidation(RecEngine.Hosting.ApiKeys.Header, k < 3 ? Keys[k] : "wrong-key");
            }

            var line = $"#{i} {request.Method} {Shorten(request.RequestUri?.OriginalString)} ({request.Content?.Headers.ContentType})";
            var sent = clock.Elapsed;
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var kind = $"{request.Method} {Route(request.RequestUri!)} {status}";
            var (count, time) = cost.GetValueOrDefault(kind);
            cost[kind] = (count + 1, time + (clock.Elapsed - sent));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var problem = await CheckAsync(request, response);
            if (problem is not null)
            {
                var key = $"{status}: {problem[..Math.Min(50, problem.Length)]}";
                failures[key] = (failures.GetValueOrDefault(key).Count + 1, failures.GetValueOrDefault(key).Example ?? $"{line} -> {status}: {problem}");
            }
        }

        // Timing is reported, not asserted (a busy box is slow); it helps keep the fuzzer cheap for CI.
        output.WriteLine($"{Requests} requests in {clock.Elapsed.TotalSeconds:0.0} s, {cost.Values.Sum(c => c.Time.TotalSeconds):0.0} s of it waiting for answers; costliest kinds:");
        foreach (var (kind, (count, time)) in cost.OrderByDescending(c => c.Value.Time).Take(25))
        {
            output.WriteLine($"  {kind}: {count} in {time.TotalSeconds:0.00} s");
        }

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));
        Assert.True(failures.Count == 0, $"{failures.Values.Sum(f => f.Count)} bad answers (seed {seed}, keys {withKeys}; statuses {summary}):\n{string.Join('\n', failures.Values.Select(f => $"{f.Count}x {f.Example}"))}");
        // A fuzzer that never reached the endpoints would pass vacuously.
        Assert.True(statuses.Keys.Any(s => s is >= 200 and < 300) && statuses.Keys.Count(s => s is >= 400 and < 500) >= 4, summary);
    }

    /// <summary>Null when the answer is acceptable, else why not.</summary>
    private static async Task<string?> CheckAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return status == 503 && response.Headers.RetryAfter is not null ? null : "server error " + Shorten(await response.Content.ReadAsStringAsync());
        }

        if (status is < 400 or >= 500)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"4xx with content type '{response.Content.Headers.ContentType}': {Shorten(await response.Content.ReadAsStringAsync())}";
        }

        if (request.Method == HttpMethod.Head)
        {
            return null; // HEAD answers carry headers only
        }

        var body = await response.Content.ReadAsStringAsync();
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("status", out var s) && s.GetInt32() == status ? null : "problem without matching status: " + Shorten(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return "problem body is not JSON: " + Shorten(body);
        }
    }

    private static string Route(Uri uri)
    {
        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        return string.Join('/', path.Split('/').Take(3));
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 160 ? text : text[..160] + $"...({text.Length} chars)";
}
