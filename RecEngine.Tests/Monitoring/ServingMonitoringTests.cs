using RecEngine.Models;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Monitoring;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Monitoring;

/// <summary>A trained version through the real executable, then served in process: its stored drift reference and its gauges.</summary>
public sealed class ServingMonitoringTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TheServingVersionsStoredReferenceIsCheckedAndItsVersionAndIndexSizeAreExported()
    {
        await using var factory = new RecEngineFactory();
        var data = $"--RecEngine:DataDir={factory.DataDir}";
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "120", "--videos", "100", "--days", "5", "--seed", "6", data);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", data);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
        var versionDir = Assert.Single(Directory.GetDirectories(Path.Combine(factory.DataDir, "models")));
        var version = Path.GetFileName(versionDir);

        // Stored with the version and covered by its manifest.
        using (var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(versionDir, ModelVersionFolder.ManifestFile))))
        {
            Assert.True(manifest.RootElement.GetProperty("files").TryGetProperty(TrainingDriftReference.FileName, out _));
        }

        Assert.Empty(ModelVersionFolder.At(versionDir).Verify());
        var stored = TrainingDriftReference.TryLoad(versionDir)!;
        var names = stored.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var expected in new[] { "video_duration", "user_video_dot", "trending_score", TrainingDriftReference.ScoreFeature, "slate_device", "slate_hour", "event_type", "watch_seconds", "watch_per_impression" })
        {
            Assert.Contains(expected, names);
        }

        Assert.DoesNotContain("position", names);
        Assert.True(stored.Features.Single(f => f.Name == TrainingDriftReference.ScoreFeature).Count > 100);

        using var client = factory.CreateClient();
        await ModelWait.UntilServingAsync(client, Timeout);

        var report = await factory.Services.GetRequiredService<DriftMonitor>().CheckOnceAsync(CancellationToken.None);
        Assert.Equal(version, report!.ModelVersion);
        Assert.Equal(names.Order(StringComparer.Ordinal), report.Features.Select(f => f.Feature).Order(StringComparer.Ordinal));

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains($"recengine_model_version{{version=\"{version}\"}} 1", metrics, StringComparison.Ordinal);
        // Prometheus gauges are process-wide and other test hosts run beside this one, so the value may be theirs.
        Assert.Matches(@"(?m)^recengine_index_videos [1-9][0-9]*$", metrics);
        Assert.Contains("recengine_ingest_queue_events", metrics, StringComparison.Ordinal);
        Assert.Contains("recengine_ingest_commit_seconds", metrics, StringComparison.Ordinal);
    }
}
