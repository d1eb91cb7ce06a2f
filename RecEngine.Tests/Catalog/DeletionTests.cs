using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;
using RecEngine.Training;

namespace RecEngine.Tests.Catalog;

public sealed class DeletionTests
{
    private const string IngestKey = "test-ingest-key";

    [Fact]
    public async Task DeletedUserLeavesNothingInTheNextModelVersion()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?> { ["RecEngine:IngestApiKey"] = IngestKey }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var anonymous = factory.CreateClient();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", IngestKey);
        var before = Path.Combine(factory.DataDir, "models", LifecycleWorld.TrainAndPromote(factory.Services));

        var store = factory.Services.GetRequiredService<EventStore>();
        var userId = store.Events.Query().Where(e => e.Type == EventType.Watch).Limit(1).First().UserId;
        Assert.NotEmpty(factory.Services.GetRequiredService<UserFeatureCache>().Get(userId).Watched);
        Assert.True(UsersInVersion(before) > 0);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await anonymous.DeleteAsync($"/v1/users/{userId}"));
        var deleted = await client.DeleteAsync($"/v1/users/{userId}");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, deleted);
        var erased = await deleted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(erased.GetProperty("events").GetInt32() > 0, erased.ToString());

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.GetAsync($"/v1/users/{userId}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.GetAsync($"/v1/users/{userId}/features"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.DeleteAsync($"/v1/users/{userId}"));
        Assert.Equal(0, store.Events.Count(e => e.UserId == userId));
        Assert.Equal(0, store.Slates.Count(s => s.UserId == userId));
        Assert.Empty(factory.Services.GetRequiredService<UserFeatureCache>().Get(userId).Watched);
        // Events naming the erased user are refused, so nothing of them comes back.
        var video = store.Events.Query().Limit(1).First().VideoId;
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("after-erasure", userId, video) }));

        var after = factory.Services.GetRequiredService<ModelTraining>().Train(windowDays: 5, rankerDays: 2, epochs: 1, TextWriter.Null, CancellationToken.None)!;
        Assert.Equal(UsersInVersion(before) - 1, UsersInVersion(after));
        var quoted = Encoding.UTF8.GetBytes($"\"{userId}\"");
        foreach (var file in Directory.EnumerateFiles(after, "*", SearchOption.AllDirectories))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(quoted) < 0, $"{Path.GetFileName(file)} names the erased user {userId}");
        }
    }

    [Fact]
    public async Task DeletedVideoStopsServingAtOnceAndLeavesTheNextModel()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        LifecycleWorld.TrainAndPromote(factory.Services);
        var userId = factory.Services.GetRequiredService<EventStore>().Events.Query().Limit(1).First().UserId;

        var slate = await client.GetFromJsonAsync<JsonElement>($"/v1/recommendations/{userId}?k=10");
        var top = slate.GetProperty("videos")[0].GetProperty("video_id").GetString()!;
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await client.DeleteAsync("/v1/videos/bad%20id"));
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await client.DeleteAsync($"/v1/videos/{top}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.DeleteAsync($"/v1/videos/{top}"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.GetAsync($"/v1/videos/{top}"));

        var again = await client.GetFromJsonAsync<JsonElement>($"/v1/recommendations/{userId}?k=10");
        var served = again.GetProperty("videos").EnumerateArray().Select(i => i.GetProperty("video_id").GetString()).ToList();
        Assert.NotEmpty(served);
        Assert.DoesNotContain(top, served);

        // A video written unavailable stops being served at once too.
        var second = served[0]!;
        var stored = await client.GetFromJsonAsync<JsonElement>($"/v1/videos/{second}");
        var unavailable = JsonSerializer.Deserialize<Dictionary<string, object?>>(stored.GetRawText())!;
        unavailable["available"] = false;
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PutAsJsonAsync("/v1/videos", new[] { unavailable }));
        var third = await client.GetFromJsonAsync<JsonElement>($"/v1/recommendations/{userId}?k=10");
        Assert.DoesNotContain(second, third.GetProperty("videos").EnumerateArray().Select(i => i.GetProperty("video_id").GetString()));

        var after = factory.Services.GetRequiredService<ModelTraining>().Train(windowDays: 5, rankerDays: 2, epochs: 1, TextWriter.Null, CancellationToken.None)!;
        var ids = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(after, "videos.json")))!;
        Assert.DoesNotContain(top, ids);
    }

    private static int UsersInVersion(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json"))).RootElement.GetProperty("users").GetInt32();
}
