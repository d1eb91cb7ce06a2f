using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// On small MovieLens-format files the simulator writes (planted structure, seeded), what serves (<c>evaluate</c>'s
/// <c>served</c> row: a model trained without impressions, run through the serving stages) beats the baselines. The
/// margins asked for are well under those measured on these files (benchmarks/RESULTS.md), so a test fails when the
/// served model loses its lead, not on noise.
/// </summary>
public sealed class MovieLensServedQualityTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// The taste rating model (users choose what to rate by their true taste and popularity, as MovieLens users do):
    /// served beats retrieval order, item_knn and most_popular, and item_knn beats most_popular, as on real MovieLens.
    /// Measured on this file (2,000 world users, 383 raters): served 0.221, item_knn 0.161, most_popular 0.130,
    /// retrieval_only 0.095, standard errors about 0.01.
    /// </summary>
    [Fact]
    public async Task ServedBeatsEveryBaselineOnATasteExport()
    {
        var models = await EvaluateExportAsync("taste", users: 2000, videos: 1000);
        double Ndcg(string model) => models.GetProperty(model).GetProperty("ndcg@10").GetDouble();
        const double MinMargin = 0.03;
        Assert.True(Ndcg("item_knn") > Ndcg("most_popular"), models.GetRawText());
        Assert.True(Ndcg("served") > Ndcg("item_knn") + MinMargin, models.GetRawText());
        Assert.True(Ndcg("served") > Ndcg("most_popular") + MinMargin, models.GetRawText());
        Assert.True(Ndcg("served") > Ndcg("retrieval_only") + MinMargin, models.GetRawText());
    }

    /// <summary>
    /// The exposure rating model (users rate what the platform showed them): served beats item_knn and retrieval order.
    /// Measured on this file: served 0.123, item_knn 0.109, retrieval_only 0.017 (136 users with a test watch, so noisy:
    /// the margin over item_knn asked for is 0.005). most_popular is not asserted: on this model what is rated next is
    /// what was shown most, and it wins there.
    /// </summary>
    [Fact]
    public async Task ServedBeatsItemKnnAndRetrievalOnlyOnAnExposureExport()
    {
        var models = await EvaluateExportAsync("exposure", users: 800, videos: 400);
        double Ndcg(string model) => models.GetProperty(model).GetProperty("ndcg@10").GetDouble();
        Assert.True(Ndcg("served") > Ndcg("item_knn") + 0.005, models.GetRawText());
        Assert.True(Ndcg("served") > Ndcg("retrieval_only") + 0.05, models.GetRawText());
    }

    /// <summary>generate --format movielens (seed 2, 7 days), import, evaluate; the report's <c>models</c>.</summary>
    private async Task<JsonElement> EvaluateExportAsync(string ratingsModel, int users, int videos)
    {
        var root = Path.Combine(_root, ratingsModel);
        var files = Path.Combine(root, "ml");
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--format", "movielens", "--ratings-model", ratingsModel, "--out", files,
            "--users", users.ToString(System.Globalization.CultureInfo.InvariantCulture), "--videos", videos.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--days", "7", "--seed", "2", $"--RecEngine:DataDir={Path.Combine(root, "gen")}");
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);

        var data = $"--RecEngine:DataDir={Path.Combine(root, "data")}";
        var import = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", Path.Combine(files, "ratings.csv"), "--movies", Path.Combine(files, "movies.csv"), data);
        Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);

        var json = Path.Combine(root, "eval.json");
        var evaluate = await CliProcess.RunAsync(Timeout, "evaluate", "--users", "400", "--retrieval-k", "50", "--json", json, data);
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr + evaluate.StdOut);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return report.RootElement.GetProperty("models").Clone();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
