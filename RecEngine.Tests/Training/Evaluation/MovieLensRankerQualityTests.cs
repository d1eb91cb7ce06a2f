using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// On a small MovieLens-format file the simulator writes (seeded, the exposure rating model: users rate what the
/// platform showed them, as these margins were measured on), the ranker trained on candidate pools with the
/// baselines' signals orders the held-out watches better than item_knn and retrieval_only. Measured on seeds 1, 2
/// and 3 of this world size (benchmarks/RESULTS.md), the ranker's NDCG@10 margin over item_knn was 0.046, 0.015 and
/// 0.0065 (one seed is a few hundred users with two test ratings each, so it is noisy); the test takes seed 2 and
/// asks for 0.005, under the smallest. Over retrieval_only the margins were 0.06 to 0.18. Those margins were measured
/// with the pool network alone; the stacked ranker (network plus blend, StackedPoolRanker) keeps them. most_popular is
/// not asserted: the ranker ties it at best (benchmarks/RESULTS.md).
/// </summary>
public sealed class MovieLensRankerQualityTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task RankerBeatsItemKnnAndRetrievalOnlyOnAGeneratedMovieLensFile()
    {
        var files = Path.Combine(_root, "ml");
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--format", "movielens", "--ratings-model", "exposure", "--out", files,
            "--users", "800", "--videos", "400", "--days", "7", "--seed", "2", $"--RecEngine:DataDir={Path.Combine(_root, "gen")}");
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
        Assert.True(Ndcg("ranker") > Ndcg("item_knn") + 0.005, models.GetRawText());
        Assert.True(Ndcg("ranker") > Ndcg("retrieval_only") + 0.05, models.GetRawText());
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
