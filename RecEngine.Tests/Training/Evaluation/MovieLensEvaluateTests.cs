using System.Globalization;
using System.Text;
using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>The real executable on a tiny ml-latest file the test writes: import, train, evaluate.</summary>
public sealed class MovieLensEvaluateTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// 80 users in two taste groups over 40 movies (odd and even ids), 10 ratings each, a day apart, so
    /// co-occurrence carries signal and every user has two test ratings (the last 20%). <paramref name="poisonTest"/>
    /// rewrites those two test ratings only: a movie of the other group, 5 stars, three days later (still the user's
    /// last), so every training event stays as it was.
    /// </summary>
    private (string Ratings, string Movies) WriteFiles(bool poisonTest = false)
    {
        var dir = Path.Combine(_root, poisonTest ? "poisoned" : "clean");
        Directory.CreateDirectory(dir);
        var rng = new Random(11);
        var ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var user = 1; user <= 80; user++)
        {
            var movies = Enumerable.Range(0, 20).Select(i => (2 * i) + 1 + (user % 2)).OrderBy(_ => rng.Next()).Take(10).ToList();
            for (var i = 0; i < movies.Count; i++)
            {
                var stars = rng.Next(2, 11) / 2.0;
                var at = start + (i * 86_400) + (user * 60);
                if (poisonTest && i >= 8)
                {
                    ratings.Append(CultureInfo.InvariantCulture, $"{user},{movies[i] + (user % 2 == 0 ? 1 : -1)},5.0,{at + (3 * 86_400)}\n");
                    continue;
                }

                ratings.Append(CultureInfo.InvariantCulture, $"{user},{movies[i]},{stars:0.0},{at}\n");
            }
        }

        var moviesCsv = new StringBuilder("movieId,title,genres\n");
        for (var movie = 1; movie <= 40; movie++)
        {
            moviesCsv.Append(CultureInfo.InvariantCulture, $"{movie},\"Film {movie}, The ({1990 + movie})\",{(movie % 2 == 0 ? "Drama|Romance" : "Action")}\n");
        }

        var ratingsPath = Path.Combine(dir, "ratings.csv");
        var moviesPath = Path.Combine(dir, "movies.csv");
        File.WriteAllText(ratingsPath, ratings.ToString());
        File.WriteAllText(moviesPath, moviesCsv.ToString());
        return (ratingsPath, moviesPath);
    }

    [Fact]
    public async Task EvaluateOnImportedRatingsWritesTheContractKeysWithItemKnnAndNoOracle()
    {
        var (ratings, movies) = WriteFiles();
        var dataSwitch = $"--RecEngine:DataDir={Path.Combine(_root, "data")}";
        var import = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", ratings, "--movies", movies, dataSwitch);
        Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);

        // train works without impressions (each user's newest watches against their candidates) on the same data.
        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "30", "--ranker-days", "3", "--epochs", "1", dataSwitch);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);

        var json = Path.Combine(_root, "eval.json");
        var evaluate = await CliProcess.RunAsync(Timeout, "evaluate", "--users", "50", "--retrieval-k", "20", "--epochs", "1", "--json", json, dataSwitch);
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr + evaluate.StdOut);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.Equal("per-user", root.GetProperty("split").GetString());
        Assert.Equal(50, root.GetProperty("users_evaluated").GetInt32());
        var models = root.GetProperty("models");
        var names = models.EnumerateObject().Select(m => m.Name).ToList();
        // The contract's models (served, the pipeline; the baselines beside it), and no oracle or random on imported data.
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "served", "item_knn", "most_popular", "retrieval_only" });
        Assert.DoesNotContain("oracle", names);
        Assert.DoesNotContain("random", names);
        var margins = root.GetProperty("served_margin_ndcg@10");
        foreach (var baseline in new[] { "item_knn", "most_popular", "retrieval_only" })
        {
            Assert.True(margins.TryGetProperty(baseline, out var margin), margins.GetRawText());
            Assert.True(margin.GetProperty("standard_error").GetDouble() >= 0, margins.GetRawText());
        }

        foreach (var model in models.EnumerateObject())
        {
            foreach (var key in new[] { "ndcg@10", "ndcg@20", "recall@10", "recall@20", "map@20", "coverage" })
            {
                Assert.InRange(model.Value.GetProperty(key).GetDouble(), 0, 1);
            }
        }

        // No impressions: no held-out impressions to score the heads on, and no ground truth for an oracle share.
        Assert.Equal(JsonValueKind.Null, models.GetProperty("served").GetProperty("auc").ValueKind);
        Assert.Equal(JsonValueKind.Null, models.GetProperty("served").GetProperty("oracle_share").ValueKind);
        // Two taste groups: item co-occurrence finds the user's group, so item_knn beats chance by far.
        Assert.True(models.GetProperty("item_knn").GetProperty("recall@20").GetDouble() > 0.5, models.GetRawText());
        Assert.False(root.GetProperty("retrieval").GetProperty("recall@20").TryGetProperty("oracle", out _));

        var global = await CliProcess.RunAsync(Timeout, "evaluate", "--split", "global", "--users", "50", "--retrieval-k", "20", "--epochs", "1", dataSwitch);
        Assert.True(global.ExitCode == 0, global.StdErr + global.StdOut);
        var wrong = await CliProcess.RunAsync(Timeout, "evaluate", "--split", "sideways", dataSwitch);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--split", wrong.StdErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The evaluated model is trained on the training split only: the same files with every test rating rewritten give
    /// the same trained model (its examples and its loss per epoch), while the test metrics change.
    /// </summary>
    [Theory]
    [InlineData("per-user")]
    [InlineData("global")]
    public async Task TheModelIsTrainedWithoutReadingTheTestSplit(string split)
    {
        async Task<JsonElement> Evaluate(bool poisoned)
        {
            var (ratings, movies) = WriteFiles(poisoned);
            var data = $"--RecEngine:DataDir={Path.Combine(_root, poisoned ? "poisoned-data" : "clean-data")}";
            var import = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", ratings, "--movies", movies, data);
            Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);
            var json = Path.Combine(_root, poisoned ? "poisoned.json" : "clean.json");
            // A global cut at 80% of the events by time: the poisoned ratings are the newest, so they are its test part too.
            var evaluate = await CliProcess.RunAsync(Timeout, "evaluate", "--split", split, "--users", "50", "--retrieval-k", "20", "--epochs", "3", "--json", json, data);
            Assert.True(evaluate.ExitCode == 0, evaluate.StdErr + evaluate.StdOut);
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            return report.RootElement.Clone();
        }

        var clean = await Evaluate(poisoned: false);
        var poisoned = await Evaluate(poisoned: true);
        Assert.Equal(split, clean.GetProperty("split").GetString());
        var trained = clean.GetProperty("training");
        Assert.True(trained.GetProperty("examples").GetInt32() > 0, trained.GetRawText());
        Assert.Equal(3, trained.GetProperty("epoch_losses").GetArrayLength());
        Assert.Equal(trained.GetRawText(), poisoned.GetProperty("training").GetRawText());
        Assert.NotEqual(clean.GetProperty("models").GetRawText(), poisoned.GetProperty("models").GetRawText());
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
