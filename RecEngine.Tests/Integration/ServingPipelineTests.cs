using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace RecEngine.Tests.Integration;

/// <summary>The request pipeline over a served world: category filter, hidden videos, diversity caps, explain.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class ServingPipelineTests(ServedWorld world)
{
    [Fact]
    public async Task TheCategoryFilterTakesOneOrSeveralCategoriesAndRefusesUnknownOnes()
    {
        await using var factory = world.Factory();
        using var client = factory.CreateClient();
        var all = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=50");
        var categories = Videos(all).Select(v => v.GetProperty("category").GetString()!).Distinct().Take(2).ToList();
        Assert.Equal(2, categories.Count);

        var one = await SlateAsync(client, $"/v1/recommendations/u1?k=10&category={categories[0]}");
        Assert.NotEmpty(Videos(one));
        Assert.All(Videos(one), v => Assert.Equal(categories[0], v.GetProperty("category").GetString()));

        foreach (var query in new[] { $"category={categories[0]},{categories[1]}", $"category={categories[0]}&category={categories[1]}" })
        {
            var two = await SlateAsync(client, $"/v1/recommendations/u1?k=20&{query}");
            Assert.True(Videos(two).Count >= 2, query);
            Assert.All(Videos(two), v => Assert.Contains(v.GetProperty("category").GetString(), categories));
        }

        foreach (var query in new[] { "category=no-such-category", $"category={categories[0]},no-such-category", "category=" })
        {
            var bad = await client.GetAsync($"/v1/recommendations/u1?{query}");
            await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
            Assert.Contains("category", (await bad.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys);
        }
    }

    [Fact]
    public async Task HiddenVideosAreNeverReturned()
    {
        await using var factory = world.Factory();
        using var client = factory.CreateClient();
        var first = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u2?k=10");
        var hidden = Videos(first).Take(3).Select(v => v.GetProperty("video_id").GetString()!).ToList();

        var hide = await client.PostAsJsonAsync("/v1/events", hidden.Select((video, i) =>
            TestWorld.Event($"hide-{i}", user: "u2", video: video, type: "hide", watchSeconds: 0, at: DateTime.UtcNow.AddSeconds(-1))).ToArray());
        await HttpAssert.StatusAsync(HttpStatusCode.OK, hide);

        var after = await SlateAsync(client, "/v1/recommendations/u2?k=200");
        Assert.NotEmpty(Videos(after));
        var shown = Videos(after).Select(v => v.GetProperty("video_id").GetString()).ToHashSet();
        Assert.DoesNotContain(hidden, shown.Contains);
    }

    [Fact]
    public async Task DiversityCapsLimitEachCreatorAndCategory()
    {
        await using var factory = world.Factory(new Dictionary<string, string?>
        {
            ["RecEngine:Serving:MaxPerCreator"] = "1",
            ["RecEngine:Serving:MaxCategoryShare"] = "0.3",
            // The caps order the model's picks; an explored video is drawn without regard to them (independent of the slate).
            ["RecEngine:Serving:ExplorationShare"] = "0",
        });
        using var client = factory.CreateClient();
        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u3?k=6");

        var videos = Videos(slate);
        Assert.Equal(6, videos.Count);
        var creators = new List<string>();
        foreach (var video in videos)
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync($"/v1/videos/{video.GetProperty("video_id").GetString()}"));
            creators.Add(doc.RootElement.GetProperty("creator_id").GetString()!);
        }

        Assert.Equal(creators.Count, creators.Distinct().Count());
        // ceil(0.3 x 6) = 2 per category.
        Assert.All(videos.GroupBy(v => v.GetProperty("category").GetString()), g => Assert.True(g.Count() <= 2, $"{g.Key}: {g.Count()}"));
    }

    [Fact]
    public async Task ExplainReportsEachStageWithTimingsAndCandidateCounts()
    {
        await using var factory = world.Factory(new Dictionary<string, string?> { ["RecEngine:Serving:Deadline"] = "00:00:20" });
        using var client = factory.CreateClient();
        var plain = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u4?k=7");
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("explain").ValueKind);
        Assert.False(plain.GetProperty("degraded").GetBoolean());

        var slate = await SlateAsync(client, "/v1/recommendations/u4?k=7&explain=true");
        var explain = slate.GetProperty("explain");
        Assert.Equal(20_000, explain.GetProperty("deadline_ms").GetDouble());
        Assert.True(explain.GetProperty("total_ms").GetDouble() > 0);
        var stages = explain.GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!);
        Assert.Equal(["retrieve", "filter", "score", "order"], stages.Keys);
        Assert.All(stages.Values, s => Assert.True(s.GetProperty("ms").GetDouble() >= 0));
        int In(string stage) => stages[stage].GetProperty("candidates_in").GetInt32();
        int Out(string stage) => stages[stage].GetProperty("candidates_out").GetInt32();
        Assert.True(Out("retrieve") >= 7, slate.ToString());
        Assert.Equal(Out("retrieve"), In("filter"));
        Assert.Equal(Out("filter"), In("score"));
        Assert.Equal(In("score"), Out("score"));
        Assert.Equal(Out("score"), In("order"));
        Assert.Equal(7, Out("order"));
        Assert.Equal("ok", stages["score"].GetProperty("outcome").GetString());
    }

    internal static async Task<JsonElement> SlateAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    internal static List<JsonElement> Videos(JsonElement slate) => slate.GetProperty("videos").EnumerateArray().ToList();
}
