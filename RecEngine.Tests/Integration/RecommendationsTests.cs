using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace RecEngine.Tests.Integration;

public sealed class RecommendationsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WithoutAModelTheAnswerIsADegradedSlateAndBadKIs400()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();

        var none = await client.GetAsync("/v1/recommendations/u1");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, none);
        using var slate = JsonDocument.Parse(await none.Content.ReadAsStringAsync());
        Assert.True(slate.RootElement.GetProperty("degraded").GetBoolean());
        Assert.Equal("no_model", slate.RootElement.GetProperty("degraded_reason").GetString());
        Assert.Equal(0, slate.RootElement.GetProperty("videos").GetArrayLength());

        foreach (var k in new[] { 0, 201, -1 })
        {
            var bad = await client.GetAsync($"/v1/recommendations/u1?k={k}");
            await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
            Assert.Contains("k", (await bad.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys);
        }

        var badDevice = await client.GetAsync("/v1/recommendations/u1?device=phone");
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, badDevice);
        var problem = (await badDevice.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Contains("mobile, desktop, tablet, tv", Assert.Single(problem.Errors["device"]), StringComparison.Ordinal);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/recommendations/u1?device=tv"));
    }

    [Fact]
    public async Task ATrainedVersionServesPersonalSlatesWithoutWatchedVideos()
    {
        await GenerateAndTrainAsync(versions: 1);
        var version = Path.GetFileName(Directory.GetDirectories(Path.Combine(_dataDir, "models")).Single());

        // Caps and exploration off, so the slate is in score order; a generous deadline, since a busy test box is not what this tests.
        await using var server = await RecEngineProcess.StartAsync(_dataDir, Timeout, "--RecEngine:Serving:MaxPerCreator=0", "--RecEngine:Serving:MaxCategoryShare=1", "--RecEngine:Serving:ExplorationShare=0", "--RecEngine:Serving:Deadline=00:00:30", "--RecEngine:Serving:ScoreBudget=00:00:30");
        using var client = server.CreateClient();
        var response = await FirstSlateAsync(client, "/v1/recommendations/u1?k=10");
        // Ready once the model is warmed and the users' online features are loaded from the store (the warm-up
        // runs after the model loads, so it may still be under way at the first slate).
        var readyBody = "";
        var readyStatus = HttpStatusCode.ServiceUnavailable;
        for (var started = DateTime.UtcNow; readyStatus != HttpStatusCode.OK && DateTime.UtcNow - started < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            using var ready = await client.GetAsync("/health/ready");
            (readyStatus, readyBody) = (ready.StatusCode, await ready.Content.ReadAsStringAsync());
        }

        Assert.True(readyStatus == HttpStatusCode.OK, readyBody);
        Assert.Contains($"model version {version} is loaded and warmed", readyBody, StringComparison.Ordinal);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(version, slate.RootElement.GetProperty("model_version").GetString());
        var videos = slate.RootElement.GetProperty("videos").EnumerateArray().ToList();
        Assert.Equal(10, videos.Count);
        var scores = videos.Select(v => v.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.All(videos, v => Assert.NotEmpty(v.GetProperty("sources").EnumerateArray()));

        using var features = JsonDocument.Parse(await client.GetStringAsync("/v1/users/u1/features"));
        var watched = features.RootElement.GetProperty("watched").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.DoesNotContain(videos, v => watched.Contains(v.GetProperty("video_id").GetString()));

        var stranger = await client.GetAsync("/v1/recommendations/someone-new?k=5");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, stranger);
        using var cold = JsonDocument.Parse(await stranger.Content.ReadAsStringAsync());
        Assert.Equal(5, cold.RootElement.GetProperty("videos").GetArrayLength());
    }

    [Fact]
    public async Task ACorruptNewestVersionIsRefusedAndThePreviousOneServes()
    {
        await GenerateAndTrainAsync(versions: 2);

        var versions = Directory.GetDirectories(Path.Combine(_dataDir, "models")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, versions.Count);
        await File.AppendAllTextAsync(Path.Combine(versions[1], "ranker.onnx"), "corrupt");

        await using var server = await RecEngineProcess.StartAsync(_dataDir, Timeout);
        using var client = server.CreateClient();
        var response = await FirstSlateAsync(client, "/v1/recommendations/u1?k=5");

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Path.GetFileName(versions[0]), slate.RootElement.GetProperty("model_version").GetString());
        Assert.Contains($"Model version {Path.GetFileName(versions[1])} refused", server.Output, StringComparison.Ordinal);
    }

    /// <summary>A tiny synthetic world and <paramref name="versions"/> trained model versions, through the real executable.</summary>
    private async Task GenerateAndTrainAsync(int versions)
    {
        var data = $"--RecEngine:DataDir={_dataDir}";
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "150", "--videos", "120", "--days", "5", "--seed", "4", data);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
        for (var v = 0; v < versions; v++)
        {
            var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", data);
            Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
        }
    }

    /// <summary>The first slate ranked by a model version (until it loads in the background, slates are degraded).</summary>
    private static async Task<HttpResponseMessage> FirstSlateAsync(HttpClient client, string path)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK || waited.Elapsed > Timeout)
            {
                return response;
            }

            using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (slate.RootElement.GetProperty("model_version").ValueKind == JsonValueKind.String)
            {
                // Read once above: hand back a response whose body can be read again.
                return await client.GetAsync(path);
            }

            response.Dispose();
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
