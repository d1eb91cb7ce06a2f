using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Hosting;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary>The <c>RequireAdminKey</c> filter in front of an endpoint, with the app's own options binding and ProblemDetails.</summary>
public sealed class AdminKeyTests
{
    private const string Path = "/admin-only";

    [Fact]
    public async Task WithoutAConfiguredKeyEveryCallIsForbidden()
    {
        await using var app = await StartAsync(configuredKey: null);
        using var client = app.GetTestClient();

        foreach (var sent in new string?[] { null, "", "anything" })
        {
            var response = await SendAsync(client, sent);
            await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
            await AssertProblemAsync(response, 403);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("s3cret-key-")]
    [InlineData("S3CRET-KEY")]
    public async Task AMissingOrWrongKeyIsUnauthorized(string? sent)
    {
        await using var app = await StartAsync(configuredKey: "s3cret-key");
        using var client = app.GetTestClient();

        var response = await SendAsync(client, sent);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
        await AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task TheConfiguredKeyPassesToTheEndpoint()
    {
        await using var app = await StartAsync(configuredKey: "s3cret-key");
        using var client = app.GetTestClient();

        var response = await SendAsync(client, "s3cret-key");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("key", "key", true)]
    [InlineData("key", "kex", false)]
    [InlineData("", "", false)]
    [InlineData("ke", "key", false)]
    public void MatchesComparesWholeKeys(string sent, string configured, bool expected) =>
        Assert.Equal(expected, AdminKey.Matches(sent, configured));

    private static async Task<WebApplication> StartAsync(string? configuredKey)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RecEngine:AdminApiKey"] = configuredKey });
        builder.Services.AddOptions<RecEngineOptions>().BindConfiguration(RecEngineOptions.Section);
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.MapPost(Path, () => "done").RequireAdminKey();
        await app.StartAsync();
        return app;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(AdminKey.Header, key);
        }

        return client.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(status, problem?.Status);
        Assert.Contains(AdminKey.Header, problem?.Detail, StringComparison.Ordinal);
    }
}
