using RecEngine.Models;
using System.Net;
using System.Text.Json;
using RecEngine.Training;

namespace RecEngine.Tests.Integration;

/// <summary>SIGKILL during a retraining and during a promotion: after a restart a complete version serves, and exactly one is marked serving.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class ModelCrashTests(ServedWorld world) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    private static readonly string[] Settings =
    [
        "--RecEngine:FirstRunDemo=false",
        "--RecEngine:Serving:Deadline=00:00:30",
        "--RecEngine:Serving:RetrieveBudget=00:00:30",
        "--RecEngine:Serving:ScoreBudget=00:00:30",
    ];

    [Fact]
    public async Task Killed_while_a_retraining_writes_its_version_a_complete_version_serves_after_restart()
    {
        world.CopyTo(_dataDir);
        var models = Path.Combine(_dataDir, "models");
        string before;
        await using (var server = await RecEngineProcess.StartAsync(_dataDir, Timeout, Settings))
        {
            using var client = server.CreateClient();
            await ModelWait.UntilServingAsync(client, Timeout);
            before = await ServingAsync(client);
            using var retrain = await client.PostAsync("v1/models/retrain", null);
            await HttpAssert.StatusAsync(HttpStatusCode.Accepted, retrain);

            // Kill as soon as the new version's temp folder appears (its files are being written), or when it is done.
            var deadline = DateTime.UtcNow + Timeout;
            while (!Directory.EnumerateDirectories(models, ".tmp-*").Any() && Directory.GetDirectories(models).Length == 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await server.KillAsync();
        }

        await using (var restarted = await RecEngineProcess.StartAsync(_dataDir, Timeout, Settings))
        {
            using var client = restarted.CreateClient();
            await ModelWait.UntilServingAsync(client, Timeout);
            var serving = await ServingAsync(client);
            // The version before, unless the retraining got as far as promoting its candidate; whole either way.
            Assert.True(serving == before || Directory.Exists(Path.Combine(models, serving)), serving);
            Assert.Empty(ModelVersionFolder.At(Path.Combine(models, serving)).Verify());
            Assert.Empty(Directory.EnumerateDirectories(models, ".tmp-*"));
            foreach (var version in Directory.GetDirectories(models))
            {
                // Whatever was renamed into place is whole.
                Assert.Empty(ModelVersionFolder.At(version).Verify());
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(150)]
    [InlineData(600)]
    public async Task Killed_during_a_promotion_exactly_one_complete_version_serves_after_restart(int killAfterMs)
    {
        world.CopyTo(_dataDir);
        var models = Path.Combine(_dataDir, "models");
        var original = Path.GetFileName(Directory.GetDirectories(models).Single());
        // A second version: the same files under a newer name (the folder name is the version).
        const string newer = "v29990101-000000-000";
        foreach (var file in Directory.GetFiles(Path.Combine(models, original)))
        {
            Directory.CreateDirectory(Path.Combine(models, newer));
            File.Copy(file, Path.Combine(models, newer, Path.GetFileName(file)));
        }

        await using (var server = await RecEngineProcess.StartAsync(_dataDir, Timeout, Settings))
        {
            using var client = server.CreateClient();
            await ModelWait.UntilServingAsync(client, Timeout);
            var promote = client.PostAsync($"v1/models/{newer}/promote", null);
            await Task.Delay(killAfterMs);
            await server.KillAsync();
            try
            {
                (await promote).Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException)
            {
                // Cut by the kill (a connection still being set up surfaces as a bare SocketException).
            }
        }

        await using var restarted = await RecEngineProcess.StartAsync(_dataDir, Timeout, Settings);
        using var restartedClient = restarted.CreateClient();
        await ModelWait.UntilServingAsync(restartedClient, Timeout);
        var served = await ServingAsync(restartedClient);
        Assert.Contains(served, new[] { original, newer });
        Assert.Empty(ModelVersionFolder.At(Path.Combine(models, served)).Verify());
        using var list = JsonDocument.Parse(await restartedClient.GetStringAsync("v1/models"));
        var marked = list.RootElement.GetProperty("models").EnumerateArray().Where(m => m.GetProperty("status").GetString() == "serving").ToList();
        Assert.True(marked.Count == 1, list.RootElement.ToString());
        Assert.Equal(served, marked[0].GetProperty("version").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }

    private static async Task<string> ServingAsync(HttpClient client)
    {
        using var response = await client.GetAsync("v1/recommendations/u1?k=5");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return slate.RootElement.GetProperty("model_version").GetString()!;
    }
}
