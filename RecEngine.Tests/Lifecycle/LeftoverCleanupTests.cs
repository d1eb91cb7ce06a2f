using RecEngine.Models;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Lifecycle;

public sealed class LeftoverCleanupTests
{
    [Fact]
    public async Task ACrashMidTrainingLeavesServingUntouchedAndItsTempFolderIsCleanedOnStart()
    {
        var prepared = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await LifecycleWorld.CopyToAsync(prepared);
            var train = await CliProcess.RunAsync(TimeSpan.FromSeconds(180), "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", $"--RecEngine:DataDir={prepared}");
            Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
            var serving = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(prepared, "models"))));

            // A training that fails mid-write leaves no version behind...
            Assert.Throws<IOException>(() => ModelVersionFolder.Write(new DataDirectory(prepared), "v29991231-235959-999", dir =>
            {
                File.WriteAllText(dir.Ranker, "half");
                throw new IOException("disk full");
            }));
            Assert.False(Directory.Exists(Path.Combine(prepared, "models", "v29991231-235959-999")));

            // ...and a process killed mid-write leaves only its temp folder, which the next start removes.
            var leftover = Path.Combine(prepared, "models", ".tmp-v29991231-235959-999-0123456789abcdef");
            Directory.CreateDirectory(leftover);
            await File.WriteAllTextAsync(Path.Combine(leftover, "ranker.onnx"), "half");

            await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
            CopyDirectory(prepared, factory.DataDir);
            var state = factory.Services.GetRequiredService<ServingState>();
            await WaitForAsync(() => state.Current is not null);

            Assert.Equal(serving, state.Current?.Version);
            Assert.Empty(Directory.GetDirectories(Path.Combine(factory.DataDir, "models"), LeftoverModelCleanup.TempPrefix + "*"));
            // The manual train registered and promoted what it wrote.
            var record = factory.Services.GetRequiredService<ModelRegistry>().Get(serving)!;
            Assert.Equal(ModelStatus.Serving, record.Status);
            Assert.Equal("train", record.Trigger);
        }
        finally
        {
            try
            {
                Directory.Delete(prepared, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            if (!file.EndsWith(".lock", StringComparison.Ordinal) && !file.EndsWith(".server", StringComparison.Ordinal))
            {
                File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }
    }
}
