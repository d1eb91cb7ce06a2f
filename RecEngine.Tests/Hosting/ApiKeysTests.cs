using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using RecEngine.Hosting;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary>Scoped API keys on the real app: ingest (events, catalog writes), read (a user's data), admin (models).</summary>
public sealed class ApiKeysTests : IAsyncLifetime
{
    private const string Ingest = "ingest-key-1", Read = "read-key-2", Admin = "admin-key-3";

    private readonly RecEngineFactory _factory = new(new Dictionary<string, string?>
    {
        ["RecEngine:IngestApiKey"] = Ingest,
        ["RecEngine:ReadApiKey"] = Read,
        ["RecEngine:AdminApiKey"] = Admin,
    });

    public async Task InitializeAsync()
    {
        using var client = Client(Ingest);
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public static TheoryData<string, string, string> Calls => new()
    {
        // scope, method, path
        { "ingest", "POST /v1/events", "" },
        { "ingest", "PUT /v1/videos/v2", "" },
        { "ingest", "PUT /v1/users/u2", "" },
        { "read", "GET /v1/users/u1/features", "" },
        { "read", "GET /v1/users/u1", "" },
        { "admin", "POST /v1/models/v19990101-000000-000/promote", "" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Each_scope_takes_its_key_or_the_admin_key_refuses_others_with_403_and_none_with_401(string scope, string call, string unused)
    {
        _ = unused;
        var own = scope switch { "ingest" => Ingest, "read" => Read, _ => Admin };
        var other = scope == "read" ? Ingest : Read;

        await AssertPassesAsync(call, own);
        await AssertPassesAsync(call, Admin);
        await AssertRefusedAsync(call, other, HttpStatusCode.Forbidden);
        await AssertRefusedAsync(call, null, HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(call, own + "x", HttpStatusCode.Unauthorized);
        await AssertRefusedAsync(call, own.ToUpperInvariant(), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Open_endpoints_need_no_key()
    {
        using var client = Client(null);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/recommendations/u1"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/videos/v1"));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/health/live"));
    }

    [Fact]
    public async Task With_no_keys_configured_every_scope_is_open_on_loopback()
    {
        await using var open = new RecEngineFactory();
        using var client = open.CreateClient();
        await TestWorld.AddUserAsync(client, "u1");
        await TestWorld.AddVideoAsync(client, "v1");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", TestWorld.Event("e1")));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/users/u1/features"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.PostAsync("/v1/models/v19990101-000000-000/promote", null));
    }

    [Theory]
    [InlineData("key", "key", true)]
    [InlineData("key", "kex", false)]
    [InlineData("", "", false)]
    [InlineData("", null, false)]
    [InlineData("ke", "key", false)]
    public void Matches_compares_whole_keys(string sent, string? configured, bool expected) =>
        Assert.Equal(expected, ApiKeys.Matches(sent, configured));

    [Theory]
    [InlineData("http://localhost:5000", false, null)]
    [InlineData("http://127.0.0.1:5000;http://[::1]:5000", false, null)]
    [InlineData("http://0.0.0.0:5000", false, "http://0.0.0.0:5000")]
    [InlineData("http://*:5000", false, "http://*:5000")]
    [InlineData("http://+:80;http://localhost:5000", false, "http://+:80")]
    [InlineData("http://10.1.2.3:8080", false, "http://10.1.2.3:8080")]
    [InlineData(null, true, "HTTP_PORTS")]
    public void Serving_beyond_loopback_with_an_open_scope_is_refused_unless_anonymous_is_allowed(string? urls, bool ports, string? named)
    {
        var refusal = ApiKeys.UnsafeBinding(new RecEngineOptions(), urls, ports);
        if (named is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.NotNull(refusal);
            Assert.Contains(named, refusal, StringComparison.Ordinal);
            Assert.Contains("AllowAnonymous", refusal, StringComparison.Ordinal);
        }

        Assert.Null(ApiKeys.UnsafeBinding(new RecEngineOptions { AllowAnonymous = true }, urls, ports));
        Assert.Null(ApiKeys.UnsafeBinding(new RecEngineOptions { IngestApiKey = "a", ReadApiKey = "b", AdminApiKey = "c" }, urls, ports));
        if (named is not null)
        {
            // One scope still open is enough to refuse.
            Assert.Contains("read", ApiKeys.UnsafeBinding(new RecEngineOptions { IngestApiKey = "a", AdminApiKey = "c" }, urls, ports), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_on_all_interfaces_without_keys_exits_5_with_the_reason()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--urls", "http://0.0.0.0:0", $"--RecEngine:DataDir={dataDir}");
            Assert.True(code == ServeVerb.UnsafeBindingExitCode, $"exit {code}: {stdout} {stderr}");
            Assert.Contains("Refusing to serve on http://0.0.0.0:0", stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "recengine.db")), "the store was opened before the refusal");
        }
        finally
        {
            if (Directory.Exists(dataDir))
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    private HttpClient Client(string? key)
    {
        var client = _factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeys.Header, key);
        }

        return client;
    }

    private async Task<HttpResponseMessage> SendAsync(string call, string? key)
    {
        using var client = Client(key);
        var (method, path) = (call.Split(' ')[0], call.Split(' ')[1]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Content = call switch
        {
            _ when path == "/v1/events" => JsonContent.Create(TestWorld.Event("e-" + Guid.NewGuid().ToString("N"))),
            _ when path.StartsWith("/v1/videos/", StringComparison.Ordinal) => JsonContent.Create(new { title = "T", category = "music", creator_id = "c1", duration_seconds = 60, uploaded_at = TestWorld.Now.AddDays(-1) }),
            _ when path.StartsWith("/v1/users/", StringComparison.Ordinal) && method == "PUT" => JsonContent.Create(new { country = "US", device = "mobile", signed_up_at = TestWorld.Now.AddDays(-30), age_bucket = "25-34" }),
            _ => null,
        };
        return await client.SendAsync(request);
    }

    private async Task AssertPassesAsync(string call, string key)
    {
        using var response = await SendAsync(call, key);
        var status = (int)response.StatusCode;
        // Past the key check: the endpoint's own answer (a 404 for an unknown model version is the endpoint's).
        Assert.True(status is >= 200 and < 300 || (status == 404 && call.Contains("promote", StringComparison.Ordinal)), $"{call} with its key: {status} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task AssertRefusedAsync(string call, string? key, HttpStatusCode expected)
    {
        using var response = await SendAsync(call, key);
        await HttpAssert.StatusAsync(expected, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestJson.Options);
        Assert.Equal((int)expected, problem!.Status);
        Assert.Contains(ApiKeys.Header, problem.Detail, StringComparison.Ordinal);
    }
}
