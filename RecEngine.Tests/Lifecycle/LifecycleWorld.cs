using Microsoft.Extensions.DependencyInjection;
using RecEngine.Lifecycle;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Lifecycle;

/// <summary>
/// A tiny synthetic world generated once by the real executable, copied into each test's own data directory, and
/// the settings that fit it (5 days of events: train on the first 4, hold out the last).
/// </summary>
internal static class LifecycleWorld
{
    public const string AdminKey = "test-admin-key";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private static readonly string Template = Path.Combine(Path.GetTempPath(), "recengine-tests", "lifecycle-world-" + Guid.NewGuid().ToString("N"));
    private static readonly Lazy<Task> Generated = new(GenerateAsync);

    /// <summary>Settings for a factory over the world; <paramref name="extra"/> overrides them.</summary>
    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RecEngine:AdminApiKey"] = AdminKey,
            ["RecEngine:Lifecycle:Schedule:Enabled"] = "false",
            ["RecEngine:Lifecycle:Window"] = "4.00:00:00",
            ["RecEngine:Lifecycle:RankerWindow"] = "2.00:00:00",
            ["RecEngine:Lifecycle:HoldOut"] = "1.00:00:00",
            ["RecEngine:Lifecycle:Epochs"] = "1",
            ["RecEngine:Lifecycle:Validation:Users"] = "100",
            ["RecEngine:Lifecycle:Validation:ExplorationCandidates"] = "100",
            // Held-out validation decides at once; the canary tests turn canaries on.
            ["RecEngine:Lifecycle:Canary:Share"] = "0",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Copies the generated world into <paramref name="dataDir"/> (the store and world files, no models).</summary>
    public static async Task CopyToAsync(string dataDir)
    {
        await Generated.Value;
        Directory.CreateDirectory(dataDir);
        foreach (var file in Directory.GetFiles(Template))
        {
            var name = Path.GetFileName(file);
            if (!name.EndsWith(".lock", StringComparison.Ordinal) && !name.EndsWith(".server", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(dataDir, name));
            }
        }
    }

    /// <summary>
    /// Trains a version in the running app (one epoch unless <paramref name="epochs"/>) and promotes it as a manual
    /// <c>train</c> does; returns its name.
    /// </summary>
    public static string TrainAndPromote(IServiceProvider services, int epochs = 1)
    {
        var folder = services.GetRequiredService<ModelTraining>().Train(windowDays: 5, rankerDays: 2, epochs: epochs, TextWriter.Null, CancellationToken.None)
            ?? throw new InvalidOperationException("The world has nothing to train on.");
        var version = Path.GetFileName(folder);
        var result = services.GetRequiredService<ModelPromoter>().Promote(version, "test", "test", out var detail);
        Assert.True(result == PromotionResult.Promoted, detail);
        return version;
    }

    private static async Task GenerateAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Template, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder; nothing depends on it.
            }
        };
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "200", "--videos", "150", "--days", "5", "--seed", "4", $"--RecEngine:DataDir={Template}");
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
    }
}
