using RecEngine.Models;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Lifecycle;

/// <summary>A damaged manifest is refused naming the file: promote answers 422 and, at a restart, the previous good version serves.</summary>
public sealed class SafeModelsTests
{
    public static TheoryData<string> Damage => new() { "empty", "truncated", "not json", "no files" };

    [Theory]
    [MemberData(nameof(Damage))]
    public void Verify_refuses_a_damaged_manifest_naming_it(string damage)
    {
        var dir = Directory.CreateTempSubdirectory("recengine-manifest-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a.bin"), "a");
            var checksum = ModelVersionFolder.Checksum(Path.Combine(dir, "a.bin"));
            File.WriteAllText(Path.Combine(dir, ModelVersionFolder.ManifestFile), "{\"version\":\"v1\",\"files\":{\"a.bin\":\"" + checksum + "\"}}");
            Assert.Empty(ModelVersionFolder.At(dir).Verify());

            DamageManifest(dir, damage);
            var refused = Assert.Throws<InvalidDataException>(() => ModelVersionFolder.At(dir).Verify());
            Assert.Contains(Path.Combine(dir, ModelVersionFolder.ManifestFile), refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_restart_with_the_serving_manifest_emptied_the_previous_good_version_serves_and_promote_is_422()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        string good, damaged;
        try
        {
            await using (var factory = new RecEngineFactory(LifecycleWorld.Settings(), dataDir: dataDir))
            {
                await LifecycleWorld.CopyToAsync(factory.DataDir);
                good = LifecycleWorld.TrainAndPromote(factory.Services);
                damaged = LifecycleWorld.TrainAndPromote(factory.Services);
            }

            DamageManifest(Path.Combine(dataDir, "models", damaged), "empty");
            await using var restarted = new RecEngineFactory(LifecycleWorld.Settings(), dataDir: dataDir);
            using var client = restarted.CreateClient();
            await ModelWait.UntilServingAsync(client, TimeSpan.FromSeconds(60));
            Assert.Equal(good, await ModelsApiTests.ServedVersionAsync(client));

            using var admin = ModelsApiTests.AdminClient(restarted);
            var refused = await admin.PostAsync($"/v1/models/{damaged}/promote", null);
            await HttpAssert.StatusAsync(HttpStatusCode.UnprocessableEntity, refused);
            Assert.Contains(Path.Combine(damaged, "manifest.json"), (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
            Assert.Equal(good, await ModelsApiTests.ServedVersionAsync(client));
            var models = await ModelsApiTests.ListAsync(client);
            Assert.Equal(good, models.GetProperty("serving").GetString());
            Assert.Equal("rejected", ModelsApiTests.Model(models, damaged).GetProperty("status").GetString());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static void DamageManifest(string versionDir, string damage)
    {
        var path = Path.Combine(versionDir, ModelVersionFolder.ManifestFile);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, damage switch
        {
            "empty" => "",
            "truncated" => text[..(text.Length / 2)],
            "not json" => "\u0000\u0001garbage",
            "no files" => """{"version":"v1","files":{}}""",
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        });
    }
}
