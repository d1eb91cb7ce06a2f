using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;

namespace RecEngine.Tests.Catalog;

public sealed class RelatedVideosTests
{
    [Fact]
    public async Task RelatedVideosAreCoWatchedFirstAndAnswerUnwatchedVideosByContent()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, await client.GetAsync("/v1/videos/any/related"));

        // A video nobody watched, in the category and of the creator of a watched one.
        var store = factory.Services.GetRequiredService<RecEngineStore>();
        var events = factory.Services.GetRequiredService<EventStore>();
        var watched = events.Events.Query().Where(e => e.Type == EventType.Watch).Limit(1).First().VideoId;
        var model = store.Videos.FindById(watched);
        var fresh = await client.PutAsJsonAsync("/v1/videos/unwatched-1", new
        {
            title = "Nobody saw this", category = model.Category, tags = model.Tags, creator_id = model.CreatorId,
            duration_seconds = 60, uploaded_at = DateTime.UtcNow.AddDays(-1),
        });
        await HttpAssert.StatusAsync(HttpStatusCode.Created, fresh);
        LifecycleWorld.TrainAndPromote(factory.Services);

        var answer = await client.GetFromJsonAsync<JsonElement>($"/v1/videos/{watched}/related?k=15");
        Assert.Equal("interactions", answer.GetProperty("basis").GetString());
        var items = answer.GetProperty("videos").EnumerateArray().ToList();
        Assert.Equal(15, items.Count);
        var ids = items.Select(i => i.GetProperty("video_id").GetString()!).ToList();
        Assert.DoesNotContain(watched, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("co_watch", items[0].GetProperty("source").GetString());
        // Co-watched videos lead, ordered by confidence.
        var coWatch = items.TakeWhile(i => i.GetProperty("source").GetString() == "co_watch").Select(i => i.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(coWatch.OrderByDescending(s => s), coWatch);

        // A deleted video is no longer listed.
        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await client.DeleteAsync($"/v1/videos/{ids[0]}"));
        var after = await client.GetFromJsonAsync<JsonElement>($"/v1/videos/{watched}/related?k=15");
        Assert.DoesNotContain(ids[0], after.GetProperty("videos").EnumerateArray().Select(i => i.GetProperty("video_id").GetString()));

        var content = await client.GetFromJsonAsync<JsonElement>("/v1/videos/unwatched-1/related?k=5");
        Assert.Equal("content", content.GetProperty("basis").GetString());
        var similar = content.GetProperty("videos").EnumerateArray().ToList();
        Assert.Equal(5, similar.Count);
        Assert.All(similar, i => Assert.Equal("item_to_item", i.GetProperty("source").GetString()));
        // Its content vector places it among what it shares creator, category or tags with (ContentVectors).
        var nearest = store.Videos.FindById(similar[0].GetProperty("video_id").GetString());
        Assert.True(nearest.CreatorId == model.CreatorId || nearest.Category == model.Category || nearest.Tags.Intersect(model.Tags).Any(),
            $"{nearest.Id} ({nearest.CreatorId}, {nearest.Category}) shares nothing with {model.Id} ({model.CreatorId}, {model.Category})");

        // A video added after the model loaded is not in its snapshot: its content vector is made on the spot.
        var later = await client.PutAsJsonAsync("/v1/videos/added-later", new
        {
            title = "Added after the model", category = model.Category, tags = model.Tags, creator_id = model.CreatorId,
            duration_seconds = 60, uploaded_at = DateTime.UtcNow.AddHours(-1),
        });
        await HttpAssert.StatusAsync(HttpStatusCode.Created, later);
        var fromContent = await client.GetFromJsonAsync<JsonElement>("/v1/videos/added-later/related?k=5");
        Assert.Equal("content", fromContent.GetProperty("basis").GetString());
        var addedIds = fromContent.GetProperty("videos").EnumerateArray().Select(i => i.GetProperty("video_id").GetString()!).ToList();
        Assert.Equal(5, addedIds.Count);
        // The same metadata as unwatched-1, whose vector the snapshot made the same way: it comes first, then the same neighbours.
        Assert.Equal("unwatched-1", addedIds[0]);
        Assert.Equal(similar.Select(i => i.GetProperty("video_id").GetString()!).Take(4), addedIds.Skip(1));

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await client.GetAsync("/v1/videos/no-such-video/related"));
        var bad = await client.GetAsync("/v1/videos/x/related?k=0");
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
        Assert.Contains("\"k\"", await bad.Content.ReadAsStringAsync());
    }
}
