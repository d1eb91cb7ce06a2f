using System.Net;
using System.Net.Http.Json;

namespace RecEngine.Tests.Integration;

/// <summary>Puts a small catalog into a running app through its HTTP API.</summary>
public static class TestWorld
{
    public static readonly DateTime Now = DateTime.UtcNow;

    public static async Task AddVideoAsync(HttpClient client, string id, double durationSeconds = 100, string category = "music")
    {
        var response = await client.PutAsJsonAsync($"/v1/videos/{id}", new
        {
            title = $"Video {id}",
            category,
            tags = new[] { "demo" },
            creator_id = "creator1",
            duration_seconds = durationSeconds,
            uploaded_at = Now.AddDays(-3),
        });
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
    }

    public static async Task AddUserAsync(HttpClient client, string id)
    {
        var response = await client.PutAsJsonAsync($"/v1/users/{id}", new
        {
            country = "US",
            device = "mobile",
            signed_up_at = Now.AddDays(-30),
            age_bucket = "25-34",
        });
        await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
    }

    public static object Event(string id, string user = "u1", string video = "v1", string type = "watch", double watchSeconds = 30, DateTime? at = null) => new
    {
        event_id = id,
        user_id = user,
        video_id = video,
        type,
        watch_seconds = watchSeconds,
        timestamp = at ?? Now.AddMinutes(-1),
        device = "mobile",
    };
}
