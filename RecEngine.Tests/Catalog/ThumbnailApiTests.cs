using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Catalog;
using RecEngine.Features.Images;
using RecEngine.Tests.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Catalog;

public sealed class ThumbnailApiTests : ApiTest
{
    [Fact]
    public async Task A_png_is_stored_durably_read_back_and_a_retry_changes_nothing()
    {
        await TestWorld.AddVideoAsync(Client, "v1");
        var png = TestImages.Png(320, 180);
        var first = await PutAsync("v1", png, "image/png");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, first);
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("png", answer.GetProperty("format").GetString());
        Assert.Equal(320, answer.GetProperty("width").GetInt32());
        Assert.Equal("created", answer.GetProperty("stored").GetString());

        var stored = Factory.Services.GetRequiredService<ThumbnailStore>().Find("v1");
        Assert.NotNull(stored);
        Assert.StartsWith(Path.Combine(Factory.DataDir, "thumbnails"), stored, StringComparison.Ordinal);
        var written = File.GetLastWriteTimeUtc(stored);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(stored)!, "*.tmp"));

        var retry = await PutAsync("v1", png, "image/png");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, retry);
        Assert.Equal("unchanged", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(stored));

        var get = await Client.GetAsync("/v1/videos/v1/thumbnail");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, get);
        Assert.Equal("image/png", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await get.Content.ReadAsByteArrayAsync());

        // A JPEG replaces the PNG.
        var jpeg = TestImages.Jpeg(100, 100);
        var replace = await PutAsync("v1", jpeg, "image/jpeg");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, replace);
        Assert.Equal("replaced", (await replace.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetString());
        Assert.Equal(jpeg, await Client.GetByteArrayAsync("/v1/videos/v1/thumbnail"));
        Assert.Single(Directory.GetFiles(Path.Combine(Factory.DataDir, "thumbnails"), "*.*"), f => !f.EndsWith(".emb", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("empty", "zero_size")]
    [InlineData("gif", "wrong_type")]
    [InlineData("text", "wrong_type")]
    [InlineData("corrupt-png", "corrupt")]
    [InlineData("truncated-jpeg", "corrupt")]
    [InlineData("bomb", "too_many_pixels")]
    public async Task A_bad_image_gets_a_400_naming_the_problem_and_the_server_keeps_serving(string image, string problem)
    {
        await TestWorld.AddVideoAsync(Client, "v1");
        var response = await PutAsync("v1", ImagePreprocessingTests.Bad(image), "image/png");
        await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, response);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(problem, body.GetProperty("problem").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        Assert.Null(Factory.Services.GetRequiredService<ThumbnailStore>().Find("v1"));

        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Client.GetAsync("/health/live"));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PutAsync("v1", TestImages.Png(), "image/png"));
    }

    [Fact]
    public async Task Unknown_video_is_404_and_a_body_over_the_limit_is_413()
    {
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await PutAsync("nope", TestImages.Png(), "image/png"));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await Client.GetAsync("/v1/videos/nope/thumbnail"));

        await using var small = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Thumbnails:MaxBytes"] = "2048" });
        using var client = small.CreateClient();
        await TestWorld.AddVideoAsync(client, "v1");
        var big = new byte[4096];
        TestImages.Png().CopyTo(big, 0);
        using var content = new ByteArrayContent(big);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        await HttpAssert.StatusAsync(HttpStatusCode.RequestEntityTooLarge, await client.PutAsync("/v1/videos/v1/thumbnail", content));
    }

    [Fact]
    public async Task Writes_need_the_ingest_scope()
    {
        await using var keyed = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:IngestApiKey"] = "ingest-key", ["RecEngine:ReadApiKey"] = "read-key" });
        using var client = keyed.CreateClient();
        using var add = new HttpRequestMessage(HttpMethod.Put, "/v1/videos/v1")
        {
            Content = JsonContent.Create(new { title = "t", category = "music", tags = Array.Empty<string>(), creator_id = "c1", duration_seconds = 10, uploaded_at = TestWorld.Now.AddDays(-1) }),
        };
        add.Headers.Add("X-Api-Key", "ingest-key");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await client.SendAsync(add));

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, await PutAsync("v1", TestImages.Png(), "image/png", client));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, await PutAsync("v1", TestImages.Png(), "image/png", client, "read-key"));
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PutAsync("v1", TestImages.Png(), "image/png", client, "ingest-key"));
    }

    [Fact]
    public async Task The_background_queue_embeds_an_upload_and_deleting_the_video_deletes_its_thumbnail()
    {
        await TestWorld.AddVideoAsync(Client, "v1");
        await HttpAssert.StatusAsync(HttpStatusCode.Created, await PutAsync("v1", TestImages.Png(), "image/png"));
        var store = Factory.Services.GetRequiredService<ThumbnailStore>();
        var queue = Factory.Services.GetRequiredService<ThumbnailEmbeddingQueue>();
        // Waits for the work, not for a speed: the bound only stops a broken queue from hanging the run. The queue counts
        // an embedding after writing it, so the wait is for the count (the file alone raced the count under load).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (queue.Status.Embedded + queue.Status.Failed == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotNull(store.ReadEmbedding("v1", ThumbnailEmbedder.Dimensions, checkImage: true));
        Assert.Equal(1, queue.Status.Embedded);
        Assert.Equal(0, queue.Status.Failed);

        await HttpAssert.StatusAsync(HttpStatusCode.NoContent, await Client.DeleteAsync("/v1/videos/v1"));
        Assert.Null(store.Find("v1"));
        Assert.False(store.HasEmbedding("v1"));
    }

    private async Task<HttpResponseMessage> PutAsync(string id, byte[] body, string type, HttpClient? client = null, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/videos/{id}/thumbnail") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await (client ?? Client).SendAsync(request);
    }
}
