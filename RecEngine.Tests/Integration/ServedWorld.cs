using System.Net;
using System.Text.Json;

namespace RecEngine.Tests.Integration;

/// <summary>
/// A small generated world with one trained model version, made once through the real executable (generate, then
/// train) and copied into each test's own data directory, so every test gets fresh state without retraining.
/// </summary>
public sealed class ServedWorld : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    public string TemplateDir { get; } = Path.Combine(Path.GetTempPath(), "recengine-tests", "served-world-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var data = $"--RecEngine:DataDir={TemplateDir}";
        // 400 videos at 25 per creator: 16 creators, enough for the diversity caps to be met.
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "150", "--videos", "400", "--days", "5", "--seed", "7", data);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", data);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(TemplateDir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    /// <summary>Copies the world (and, unless told not to, its model versions) into <paramref name="dataDir"/>.</summary>
    public void CopyTo(string dataDir, bool withModels = true)
    {
        foreach (var file in Directory.EnumerateFiles(TemplateDir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(TemplateDir, file);
            if (!withModels && relative.StartsWith("models", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(dataDir, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>A factory over a copy of the world; the caller creates the client (which starts the app).</summary>
    public RecEngineFactory Factory(IDictionary<string, string?>? settings = null, bool withModels = true)
    {
        // A test box is slow and busy (and the first request JIT-compiles the pipeline): generous deadlines, so only
        // the tests that set budgets see degraded answers.
        var all = new Dictionary<string, string?>
        {
            ["RecEngine:Serving:Deadline"] = "00:00:30",
            ["RecEngine:Serving:RetrieveBudget"] = "00:00:30",
            ["RecEngine:Serving:ScoreBudget"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new RecEngineFactory(all);
        CopyTo(factory.DataDir, withModels);
        return factory;
    }

    /// <summary>The first slate ranked by a model version: the version loads in the background after start.</summary>
    public static async Task<JsonElement> FirstModelSlateAsync(HttpClient client, string path)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(path);
            await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
            var slate = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (slate.GetProperty("model_version").ValueKind == JsonValueKind.String)
            {
                return slate;
            }

            Assert.True(waited.Elapsed < Timeout, "No model version served within " + Timeout);
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServedWorldCollection : ICollectionFixture<ServedWorld>
{
    public const string Name = "served world";
}
