using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using RecEngine.Catalog;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Catalog;

public sealed class CatalogBulkTests : ApiTest
{
    internal static object Video(string id, string title = "A video", double duration = 120) => new
    {
        id, title, category = "music", tags = new[] { "demo" }, creator_id = "c1", duration_seconds = duration,
        uploaded_at = TestWorld.Now.AddDays(-2), available = true,
    };

    internal static object User(string id, string country = "US") => new
    {
        id, country, device = "mobile", signed_up_at = TestWorld.Now.AddDays(-20), age_bucket = "25-34",
    };

    [Fact]
    public async Task BulkPutVideosCreatesThenReplaces()
    {
        var first = await Client.PutAsJsonAsync("/v1/videos", Enumerable.Range(0, 500).Select(i => Video($"v{i}")).ToArray());
        await HttpAssert.StatusAsync(HttpStatusCode.OK, first);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(500, answer.GetProperty("created").GetInt32());
        Assert.Equal(0, answer.GetProperty("replaced").GetInt32());

        var again = await Client.PutAsJsonAsync("/v1/videos", new[] { Video("v1", title: "Renamed"), Video("v9999") });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, again);
        answer = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, answer.GetProperty("created").GetInt32());
        Assert.Equal(1, answer.GetProperty("replaced").GetInt32());
        var video = await Client.GetFromJsonAsync<Video>("/v1/videos/v1", TestJson.Options);
        Assert.Equal("Renamed", video!.Title);

        // Events may name the videos at once: the catalog index knows them.
        await Client.PutAsJsonAsync("/v1/users", new[] { User("u1") });
        var events = await Client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("e1", "u1", "v499") });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, events);
    }

    [Fact]
    public async Task OneBadVideoRejectsTheWholeBatchNamingIndexAndField()
    {
        var batch = new object?[] { Video("ok1"), Video("bad", duration: -1), null, Video("ok1"), new { id = "x y", title = "" } };
        var response = await Client.PutAsJsonAsync("/v1/videos", batch);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.NotNull(problem);
        foreach (var key in new[] { "[1].duration_seconds", "[2]", "[3].id", "[4].id", "[4].title", "[4].uploaded_at" })
        {
            Assert.True(problem.Errors.ContainsKey(key), $"{key} missing from {string.Join(", ", problem.Errors.Keys)}");
        }

        Assert.False(problem.Errors.ContainsKey("[0].id"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/videos/ok1"));
    }

    [Fact]
    public async Task BulkPutUsersIsAllOrNothing()
    {
        var bad = await Client.PutAsJsonAsync("/v1/users", new[] { User("u1"), User("u2", country: "usa") });
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
        var problem = await bad.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Equal(["[1].country"], problem!.Errors.Keys);
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/users/u1"));

        var good = await Client.PutAsJsonAsync("/v1/users", new[] { User("u1"), User("u2") });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, good);
        var user = await Client.GetFromJsonAsync<User>("/v1/users/u2", TestJson.Options);
        Assert.Equal("US", user!.Country);
    }

    [Fact]
    public async Task EmptyOversizedAndNonArrayBodiesAreRefused()
    {
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await Client.PutAsJsonAsync("/v1/videos", Array.Empty<object>()));
        var tooMany = await Client.PutAsJsonAsync("/v1/users", Enumerable.Range(0, CatalogValidation.MaxBatchSize + 1).Select(i => User($"u{i}")).ToArray());
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, tooMany);
        var problem = await tooMany.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.Contains("users", problem!.Errors.Keys);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, await Client.PutAsJsonAsync("/v1/videos", Video("v1")));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/users/u0"));
    }
}
