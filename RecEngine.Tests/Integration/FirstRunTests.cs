using System.Net;
using System.Net.Http.Json;
using RecEngine.Catalog;

namespace RecEngine.Tests.Integration;

/// <summary>The real `serve` on an empty data directory builds the demo world, and a restart reuses it.</summary>
public sealed class FirstRunTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    private static readonly string[] TinyWorld =
    [
        "--RecEngine:Simulation:Users=40", "--RecEngine:Simulation:Videos=60", "--RecEngine:Simulation:Days=2",
    ];

    [Fact]
    public async Task FirstServeGeneratesTheDemoWorldAndALaterStartReusesIt()
    {
        await using (var first = await RecEngineProcess.StartAsync(_dataDir, TimeSpan.FromSeconds(90), TinyWorld))
        {
            Assert.Contains("Generating a world of 40 users and 60 videos", first.Output, StringComparison.Ordinal);
            using var client = first.CreateClient();
            var user = await client.GetFromJsonAsync<User>("/v1/users/u1", TestJson.Options);
            Assert.Equal("u1", user!.Id);
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/videos/v1"));
        }

        Assert.True(File.Exists(Path.Combine(_dataDir, "world.json")));
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(_dataDir, "world.json"));
        await using (var second = await RecEngineProcess.StartAsync(_dataDir, TimeSpan.FromSeconds(60), TinyWorld))
        {
            Assert.DoesNotContain("Generating a world", second.Output, StringComparison.Ordinal);
            using var client = second.CreateClient();
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/v1/users/u1"));
        }

        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(_dataDir, "world.json")));
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
