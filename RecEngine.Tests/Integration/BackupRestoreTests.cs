using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Events;

namespace RecEngine.Tests.Integration;

/// <summary>An online backup through the API while the server holds the store, restored with the verb into a new data directory.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class BackupRestoreTests(ServedWorld world)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // Exploration and the freshness boost off, so the same store and model give the same slate twice; and no impression
    // log, so asking for a slate does not change the user's features.
    private static readonly Dictionary<string, string?> Deterministic = new()
    {
        ["RecEngine:Serving:LogImpressions"] = "false",
        ["RecEngine:Serving:ExplorationShare"] = "0",
        ["RecEngine:Serving:FreshnessBoost"] = "0",
    };

    [Fact]
    public async Task A_restored_backup_serves_the_same_recommendations_and_lacks_what_came_after()
    {
        var restoredDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string[] before;
            string backupPath;
            await using (var factory = world.Factory(Deterministic))
            {
                using var client = factory.CreateClient();
                await ModelWait.UntilServingAsync(client, Timeout);
                before = await SlateAsync(client);

                using var response = await client.PostAsync("/v1/backup", null);
                await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
                using var backup = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                backupPath = backup.RootElement.GetProperty("path").GetString()!;
                Assert.NotEmpty(backup.RootElement.GetProperty("model_versions").EnumerateArray());

                // Written after the backup: must not be in the restored store.
                await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.PostAsJsonAsync("/v1/events", TestWorld.Event("after-backup", user: "u1", video: before[0])));
                Assert.NotNull(factory.Services.GetRequiredService<EventStore>().Events.FindById("after-backup"));

                // The backup lives in the served data directory, which the factory deletes: keep a copy outside it.
                CopyTree(backupPath, restoredDir + "-backup");
            }

            var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "restore", "--from", restoredDir + "-backup", $"--RecEngine:DataDir={restoredDir}");
            Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");

            await using var restored = new RecEngineFactory(new Dictionary<string, string?>(Deterministic)
            {
                ["RecEngine:Serving:Deadline"] = "00:00:30",
                ["RecEngine:Serving:RetrieveBudget"] = "00:00:30",
                ["RecEngine:Serving:ScoreBudget"] = "00:00:30",
            }, dataDir: restoredDir);
            using var restoredClient = restored.CreateClient();
            await ModelWait.UntilServingAsync(restoredClient, Timeout);
            Assert.Equal(before, await SlateAsync(restoredClient));
            Assert.Null(restored.Services.GetRequiredService<EventStore>().Events.FindById("after-backup"));
        }
        finally
        {
            foreach (var dir in new[] { restoredDir, restoredDir + "-backup" })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }
        }
    }

    [Fact]
    public async Task Restore_refuses_a_folder_that_is_not_a_backup_and_a_store_held_by_a_server()
    {
        var dir = Directory.CreateTempSubdirectory("recengine-notbackup-").FullName;
        try
        {
            var (code, _, stderr) = await CliProcess.RunAsync(Timeout, "restore", "--from", dir, $"--RecEngine:DataDir={Path.Combine(dir, "data")}");
            Assert.Equal(2, code);
            Assert.Contains("is not a backup", stderr, StringComparison.Ordinal);

            await using var factory = world.Factory();
            using var client = factory.CreateClient();
            using var response = await client.PostAsync("/v1/backup", null);
            await HttpAssert.StatusAsync(HttpStatusCode.Created, response);
            using var backup = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var held = await CliProcess.RunAsync(Timeout, "restore", "--from", backup.RootElement.GetProperty("path").GetString()!, $"--RecEngine:DataDir={factory.DataDir}");
            Assert.True(held.ExitCode == 3, $"exit {held.ExitCode}: {held.StdOut} {held.StdErr}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string[]> SlateAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/recommendations/u1?k=10");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        using var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(slate.RootElement.GetProperty("degraded").GetBoolean(), slate.RootElement.ToString());
        return slate.RootElement.GetProperty("videos").EnumerateArray().Select(v => v.GetProperty("video_id").GetString()!).ToArray();
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
