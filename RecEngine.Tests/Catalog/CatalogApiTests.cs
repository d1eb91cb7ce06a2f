using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using RecEngine.Catalog;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Catalog;

public sealed class CatalogApiTests : ApiTest
{
    [Fact]
    public async Task PutThenGetVideoRoundTrips()
    {
        await TestWorld.AddVideoAsync(Client, "v42", durationSeconds: 321, category: "gaming");
        var video = await Client.GetFromJsonAsync<Video>("/v1/videos/v42", TestJson.Options);
        Assert.NotNull(video);
        Assert.Equal("v42", video.Id);
        Assert.Equal("gaming", video.Category);
        Assert.Equal(321, video.DurationSeconds);
        Assert.True(video.Available);
        Assert.Equal(DateTimeKind.Utc, video.UploadedAt.Kind);

        // Replacing answers 200 and the change is visible.
        var replace = await Client.PutAsJsonAsync("/v1/videos/v42", new
        {
            title = "Renamed", category = "gaming", tags = Array.Empty<string>(), creator_id = "c9",
            duration_seconds = 10, uploaded_at = DateTime.UtcNow.AddDays(-1), available = false,
        });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, replace);
        var again = await Client.GetFromJsonAsync<Video>("/v1/videos/v42", TestJson.Options);
        Assert.Equal("Renamed", again!.Title);
        Assert.False(again.Available);
    }

    [Fact]
    public async Task InvalidVideoNamesEachField()
    {
        var response = await Client.PutAsJsonAsync("/v1/videos/v1", new
        {
            id = "other", title = "", category = "", creator_id = "bad id!", duration_seconds = -5,
            uploaded_at = DateTime.UtcNow.AddDays(3), tags = new[] { "" },
        });
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.NotNull(problem);
        foreach (var field in new[] { "id", "title", "category", "creator_id", "duration_seconds", "uploaded_at", "tags" })
        {
            Assert.Contains(field, problem.Errors.Keys);
        }

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/videos/v1"));
    }

    [Fact]
    public async Task IdsAreCaseSensitive()
    {
        await TestWorld.AddVideoAsync(Client, "Abc");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/videos/abc"));
    }

    [Fact]
    public async Task PutThenGetUserRoundTrips()
    {
        await TestWorld.AddUserAsync(Client, "u7");
        var user = await Client.GetFromJsonAsync<User>("/v1/users/u7", TestJson.Options);
        Assert.Equal("US", user!.Country);
        Assert.Equal("mobile", user.Device);
        Assert.Equal("25-34", user.AgeBucket);
    }

    [Fact]
    public async Task InvalidUserNamesEachField()
    {
        var response = await Client.PutAsJsonAsync("/v1/users/u1", new { country = "usa", device = "toaster", age_bucket = "old" });
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        foreach (var field in new[] { "country", "device", "age_bucket", "signed_up_at" })
        {
            Assert.Contains(field, problem!.Errors.Keys);
        }
    }

    [Fact]
    public async Task MissingThingsAre404ProblemDetails()
    {
        var response = await Client.GetAsync("/v1/users/nobody");
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(404, problem!.Status);
        Assert.Contains("nobody", problem.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedBodyIsA400ProblemNamingTheField()
    {
        using var content = new StringContent("{\"title\":\"x\",\"duration_seconds\":\"long\"}", System.Text.Encoding.UTF8, "application/json");
        var response = await Client.PutAsync("/v1/videos/v1", content);
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("duration_seconds", problem!.Detail, StringComparison.Ordinal);
    }
}
