using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// Issue 8's goal on a small MovieLens-format file of the taste rating model (users choose what to rate by their true
/// taste and popularity, as MovieLens users do): the stacked ranker beats every baseline on NDCG@10, and item_knn
/// beats most_popular, as on real MovieLens. The margins asked for are well under those measured on this file
/// (benchmarks/RESULTS.md, MovieLens taste export; item_knn 0.161 against most_popular 0.130), so the test fails
/// when the ranker loses its lead, not on noise.
/// </summary>
public sealed class MovieLensTasteRankerQualityTests : IDisposable
{
    /// <summary>Measured on this file (2,000 world users, 383 raters): ranker over item_knn +0.102, over most_popular +0.133, over retrieval_only +0.168, standard errors about 0.01.</summary>
    private const double MinMargin = 0.03;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RankerBeatsEveryBaselineOnATasteExport()
    {
        var files = Path.Combine(_root, "ml");
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--format", "movielens", "--ratings-model", "taste", "--out", files,
            "--users", "2000", "--videos", "1000", "--days", "7", "--seed", "2", $"--RecEngine:DataDir={Path.Combine(_root, "gen")}");
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);

        var data = $"--RecEngine:DataDir={Path.Combine(_root, "data")}";
        var import = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", Path.Combine(files, "ratings.csv"), "--movies", Path.Combine(files, "movies.csv"), data);
        Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);

        var json = Path.Combine(_root, "eval.json");
        var evaluate = await CliProcess.RunAsync(Timeout, "evaluate", "--users", "400", "--retrieval-k", "50", "--json", json, data);
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr + evaluate.StdOut);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var models = report.RootElement.GetProperty("models");
        double Ndcg(string model) => models.GetProperty(model).GetProperty("ndcg@10").GetDouble();
        Assert.True(Ndcg("item_knn") > Ndcg("most_popular"), models.GetRawText());
        Assert.True(Ndcg("ranker") > Ndcg("item_knn") + MinMargin, models.GetRawText());
        Assert.True(Ndcg("ranker") > Ndcg("most_popular") + MinMargin, models.GetRawText());
        Assert.True(Ndcg("ranker") > Ndcg("retrieval_only") + MinMargin, models.GetRawText());
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
