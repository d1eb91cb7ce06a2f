using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RecEngine.Ranking.Features;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;
using static RecEngine.Tests.Integration.ServingPipelineTests;

namespace RecEngine.Tests.Integration;

/// <summary>A valid request always gets a slate: ranker failures and overruns, and no model at all, answer degraded.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class ServingFallbackTests(ServedWorld world)
{
    private static readonly Dictionary<string, string?> NoCaps = new()
    {
        ["RecEngine:Serving:MaxPerCreator"] = "0",
        ["RecEngine:Serving:MaxCategoryShare"] = "1",
        // Exploration would put random videos between those in retrieval order (it explores degraded slates too).
        ["RecEngine:Serving:ExplorationShare"] = "0",
    };

    [Fact]
    public async Task WhenTheRankerThrowsTheSlateKeepsRetrievalOrderAndSaysDegraded()
    {
        await using var parent = world.Factory(NoCaps);
        await using var factory = WithRanker(parent, new ThrowingRanker());
        using var client = factory.CreateClient();

        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=10");

        Assert.True(slate.GetProperty("degraded").GetBoolean());
        Assert.Equal(DegradedReasons.RankerFailed, slate.GetProperty("degraded_reason").GetString());
        var videos = Videos(slate);
        Assert.Equal(10, videos.Count);
        Assert.All(videos, v => Assert.Equal(JsonValueKind.Null, v.GetProperty("score").ValueKind));
        Assert.Equal(RetrievalOrder(factory, "u1", 10), videos.Select(v => v.GetProperty("video_id").GetString()!));

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("recengine_serving_degraded_total{reason=\"ranker_failed\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("recengine_serving_errors_total{stage=\"score\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheRankerRunsPastItsBudgetTheSlateKeepsRetrievalOrder()
    {
        await using var parent = world.Factory(new Dictionary<string, string?>(NoCaps) { ["RecEngine:Serving:ScoreBudget"] = "00:00:00.005" });
        await using var factory = WithRanker(parent, new SlowRanker(TimeSpan.FromMilliseconds(40)));
        using var client = factory.CreateClient();

        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=10&explain=true");

        Assert.True(slate.GetProperty("degraded").GetBoolean());
        Assert.Equal(DegradedReasons.RankerTimeout, slate.GetProperty("degraded_reason").GetString());
        var score = slate.GetProperty("explain").GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "score");
        Assert.Equal(DegradedReasons.RankerTimeout, score.GetProperty("outcome").GetString());
        Assert.Equal(RetrievalOrder(factory, "u1", 10), Videos(slate).Select(v => v.GetProperty("video_id").GetString()!));
    }

    [Fact]
    public async Task WithoutAModelVersionTheAnswerIsADegradedPopularitySlateNotA503()
    {
        await using var factory = world.Factory(withModels: false);
        using var client = factory.CreateClient();

        var slate = await SlateAsync(client, "/v1/recommendations/u1?k=10&explain=true");

        Assert.True(slate.GetProperty("degraded").GetBoolean());
        Assert.Equal(DegradedReasons.NoModel, slate.GetProperty("degraded_reason").GetString());
        Assert.Equal(JsonValueKind.Null, slate.GetProperty("model_version").ValueKind);
        Assert.Equal(10, Videos(slate).Count);
        Assert.All(Videos(slate), v => Assert.Equal("trending", v.GetProperty("sources")[0].GetString()));
        Assert.Equal("cold_start", slate.GetProperty("explain").GetProperty("stages")[0].GetProperty("stage").GetString());

        // Hidden videos stay hidden in the fallback too; an unknown user gets the same kind of slate.
        var top = Videos(slate)[0].GetProperty("video_id").GetString()!;
        var hide = await client.PostAsJsonAsync("/v1/events", TestWorld.Event("hide-top", user: "u1", video: top, type: "hide", watchSeconds: 0, at: DateTime.UtcNow.AddSeconds(-1)));
        await HttpAssert.StatusAsync(System.Net.HttpStatusCode.OK, hide);
        var after = await SlateAsync(client, "/v1/recommendations/u1?k=10");
        Assert.DoesNotContain(Videos(after), v => v.GetProperty("video_id").GetString() == top);

        var stranger = await SlateAsync(client, "/v1/recommendations/nobody-knows-me?k=5");
        Assert.Equal(5, Videos(stranger).Count);
        Assert.True(stranger.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task AWatchTimeBeyondTheVideosLengthIsCutToIt()
    {
        // No freshness boost, so the served score is the bounded watch time itself.
        await using var parent = world.Factory(new Dictionary<string, string?>(NoCaps) { ["RecEngine:Serving:FreshnessBoost"] = "0" });
        await using var factory = WithRanker(parent, new BoundlessRanker());
        using var client = factory.CreateClient();

        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=10");

        Assert.False(slate.GetProperty("degraded").GetBoolean());
        using var lease = factory.Services.GetRequiredService<ServingState>().Acquire()!;
        var videos = lease.Snapshot.Videos;
        foreach (var video in Videos(slate))
        {
            Assert.True(videos.TryGetIndex(video.GetProperty("video_id").GetString()!, out var v));
            Assert.Equal(videos.DurationSeconds[v], video.GetProperty("score").GetDouble(), 3);
        }
    }

    private static WebApplicationFactory<Program> WithRanker(RecEngineFactory parent, ICandidateRanker ranker) =>
        parent.WithWebHostBuilder(b => b.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton(ranker))));

    /// <summary>What retrieval and the filter give for the user now, on the serving snapshot: the order a degraded slate keeps.</summary>
    private static List<string> RetrievalOrder(WebApplicationFactory<Program> factory, string user, int k)
    {
        var services = factory.Services;
        using var lease = services.GetRequiredService<ServingState>().Acquire()!;
        var slate = new SlateContext(lease.Snapshot, new SlateRequest(user, k, [], false), new HashSet<int>(), DateTime.UtcNow);
        services.GetRequiredService<RetrieveStage>().Run(slate);
        services.GetRequiredService<FilterStage>().Run(slate);
        return slate.VideoIndexes.Take(k).Select(v => lease.Snapshot.Videos.Ids[v]).ToList();
    }

    private sealed class ThrowingRanker : ICandidateRanker
    {
        public void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime) =>
            throw new InvalidOperationException("ranker down");
    }

    /// <summary>Predicts a day of watching for every candidate, as an unbounded watch-time head can off its training range.</summary>
    private sealed class BoundlessRanker : ICandidateRanker
    {
        public void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime)
        {
            pWatch.Fill(0.9f);
            watchTime.Fill(86_400f);
        }
    }

    /// <summary>Scores in reverse retrieval order, too late.</summary>
    private sealed class SlowRanker(TimeSpan delay) : ICandidateRanker
    {
        public void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime)
        {
            Thread.Sleep(delay);
            for (var i = 0; i < videos.Length; i++)
            {
                pWatch[i] = 0.5f;
                watchTime[i] = i;
            }
        }
    }
}
