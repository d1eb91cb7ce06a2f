using RecEngine.Retrieval;
using RecEngine.Models;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Training;

/// <summary>The real executable: generate a tiny world, train, and check the written model version.</summary>
public sealed class TrainVerbTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TrainWritesACompleteVerifiableModelVersion()
    {
        var dataSwitch = $"--RecEngine:DataDir={_dataDir}";
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "150", "--videos", "120", "--days", "5", "--seed", "3", dataSwitch);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);

        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", dataSwitch);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);

        // Progress goes to stderr, phase by phase, so stdout keeps the summary.
        // Each of the ranker's networks (the default ensemble) reports its epochs.
        var members = new RecEngine.Ranking.OnnxRankerOptions().NetworksFor(120);
        var rankerLines = Enumerable.Range(1, members).Select(m => members == 1 ? "ranker epoch 1/1: loss" : $"ranker {m}/{members} epoch 1/1: loss");
        foreach (var line in new[] { "reading events: done in", "ALS iteration 12/12 in", "vector index over 120 videos: done in", "writing artifacts: done in" }.Concat(rankerLines))
        {
            Assert.Contains(line, train.StdErr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("ALS iteration", train.StdOut, StringComparison.Ordinal);

        var version = Assert.Single(Directory.GetDirectories(Path.Combine(_dataDir, "models")));
        Assert.StartsWith("v", Path.GetFileName(version), StringComparison.Ordinal);
        foreach (var file in new[] { "ranker.onnx", "feature_spec.json", "als.bin", "videos.json", "metrics.json", ModelVersionFolder.ManifestFile })
        {
            Assert.True(File.Exists(Path.Combine(version, file)), file);
        }

        Assert.Empty(ModelVersionFolder.At(version).Verify());
        using (var metrics = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(version, "metrics.json"))))
        {
            var phases = metrics.RootElement.GetProperty("phase_seconds").EnumerateArray().Select(p => p.GetProperty("phase").GetString()).ToList();
            Assert.Contains("reading events", phases);
            Assert.Contains("drift reference", phases);
        }

        // The ranker loads with the widths its feature statistics describe.
        var spec = FittedFeatureSpec.Load(Path.Combine(version, "feature_spec.json"));
        using var ranker = OnnxRanker.Load(Path.Combine(version, "ranker.onnx"), "test", new OnnxRankerOptions(), spec.RawWidth, spec.IdWidth);
        Assert.Equal(spec.RawWidth, ranker.DenseFeatures);
        var graph = Onnx.ModelProto.Parser.ParseFrom(await File.ReadAllBytesAsync(Path.Combine(version, "ranker.onnx")));
        Assert.Equal(members.ToString(System.Globalization.CultureInfo.InvariantCulture), graph.MetadataProps.Single(p => p.Key == "ensemble_members").Value);
        Assert.Equal(members, graph.Graph.Node.Count(n => n.OpType == "Relu") / 3); // three hidden layers a network
        // By default slates are ordered by P(watch) x E[seconds | watched].
        Assert.StartsWith("p_watch x exp(", graph.MetadataProps.Single(p => p.Key == "watch_time").Value, StringComparison.Ordinal);

        // ALS round-trips, and fold-in works from the loaded model.
        var als = AlsModel.Load(Path.Combine(version, "als.bin"));
        Assert.Equal(120, als.ItemCount);
        Assert.Equal(64, als.Factors);
        Assert.Equal(64, als.FoldIn([0, 1], [5f, 3f]).Length);

        // A corrupted file is caught by its checksum.
        await File.AppendAllTextAsync(Path.Combine(version, "metrics.json"), " ");
        Assert.Equal(["metrics.json"], ModelVersionFolder.At(version).Verify());
    }

    [Fact]
    public async Task TheRankerNetworksOptionSetsHowManyNetworksTheExportedRankerAverages()
    {
        var dataSwitch = $"--RecEngine:DataDir={_dataDir}";
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "150", "--videos", "120", "--days", "5", "--seed", "3", dataSwitch);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
        var train = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", "--RecEngine:Ranking:Networks=1", "--RecEngine:Ranking:Order=WatchTimeHead", dataSwitch);
        Assert.True(train.ExitCode == 0, train.StdErr + train.StdOut);
        Assert.Contains("ranker epoch 1/1: loss", train.StdErr, StringComparison.Ordinal);
        var version = Assert.Single(Directory.GetDirectories(Path.Combine(_dataDir, "models")));
        var graph = Onnx.ModelProto.Parser.ParseFrom(await File.ReadAllBytesAsync(Path.Combine(version, "ranker.onnx")));
        Assert.Equal("1", graph.MetadataProps.Single(p => p.Key == "ensemble_members").Value);
        Assert.DoesNotContain(graph.Graph.Node, n => n.OpType == "Sum");
        // Ranking:Order=WatchTimeHead: the weighted-logistic head orders the slates.
        Assert.Equal("exp(second head)", graph.MetadataProps.Single(p => p.Key == "watch_time").Value);

        var refused = await CliProcess.RunAsync(Timeout, "train", "--epochs", "1", "--RecEngine:Ranking:Networks=0", dataSwitch);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Networks", refused.StdErr + refused.StdOut, StringComparison.Ordinal);

        // Ranking:Order=ExpectedSatisfaction: P(watch) x ln(1 + E[seconds | watched] / 60) orders the slates.
        var satisfaction = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", "--RecEngine:Ranking:Networks=1", "--RecEngine:Ranking:Order=ExpectedSatisfaction", dataSwitch);
        Assert.True(satisfaction.ExitCode == 0, satisfaction.StdErr + satisfaction.StdOut);
        var second = Assert.Single(Directory.GetDirectories(Path.Combine(_dataDir, "models")), d => d != version);
        var satisfactionGraph = Onnx.ModelProto.Parser.ParseFrom(await File.ReadAllBytesAsync(Path.Combine(second, "ranker.onnx")));
        Assert.StartsWith("p_watch x ln(1 + exp(", satisfactionGraph.MetadataProps.Single(p => p.Key == "watch_time").Value, StringComparison.Ordinal);

        // Ranking:MaxImpressionsPerUser=1: one impression a user trains the ranker, fewer examples than all of them.
        var capped = await CliProcess.RunAsync(Timeout, "train", "--window-days", "5", "--ranker-days", "2", "--epochs", "1", "--RecEngine:Ranking:Networks=1", "--RecEngine:Ranking:MaxImpressionsPerUser=1", dataSwitch);
        Assert.True(capped.ExitCode == 0, capped.StdErr + capped.StdOut);
        Assert.InRange(RankerExamples(capped.StdOut), 1, RankerExamples(satisfaction.StdOut) - 1);
    }

    /// <summary>The example count of train's "Ranker: N network(s), X examples" line.</summary>
    private static int RankerExamples(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"Ranker: \d+ network\(s\), ([\d,]+) examples");
        Assert.True(match.Success, output);
        return int.Parse(match.Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task EvaluateWritesTheContractJson()
    {
        var dataSwitch = $"--RecEngine:DataDir={_dataDir}";
        var generate = await CliProcess.RunAsync(Timeout, "generate", "--users", "300", "--videos", "150", "--days", "6", "--seed", "5", dataSwitch);
        Assert.True(generate.ExitCode == 0, generate.StdErr + generate.StdOut);
        var json = Path.Combine(_dataDir, "eval.json");

        var evaluate = await CliProcess.RunAsync(Timeout, "evaluate", "--holdout-days", "1", "--ranker-days", "2", "--epochs", "1", "--users", "50", "--retrieval-k", "50", "--json", json, dataSwitch);
        Assert.True(evaluate.ExitCode == 0, evaluate.StdErr + evaluate.StdOut);

        using var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = report.RootElement;
        Assert.InRange(root.GetProperty("users_evaluated").GetInt32(), 1, 50);
        foreach (var model in new[] { "served", "retrieval_only", "most_popular", "item_knn", "oracle", "random" })
        {
            var metrics = root.GetProperty("models").GetProperty(model);
            foreach (var key in new[] { "ndcg@10", "ndcg@20", "recall@10", "recall@20", "map@20", "coverage", "oracle_share" })
            {
                Assert.InRange(metrics.GetProperty(key).GetDouble(), 0, 1.0000001);
            }
        }

        // On a synthetic world the oracle share is the headline: the oracle's own is 1 by definition, and served beats random.
        var models = root.GetProperty("models");
        Assert.Equal(1.0, models.GetProperty("oracle").GetProperty("oracle_share").GetDouble(), 6);
        Assert.True(models.GetProperty("served").GetProperty("oracle_share").GetDouble() > models.GetProperty("random").GetProperty("oracle_share").GetDouble(), models.GetRawText());
        // The candidates in the oracle's order bound what the ranker can reach from them, and the oracle bounds that.
        var ceiling = models.GetProperty("candidates_oracle").GetProperty("oracle_share").GetDouble();
        Assert.InRange(models.GetProperty("served").GetProperty("oracle_share").GetDouble(), 0, ceiling + 1e-9);
        Assert.InRange(ceiling, 0, 1 + 1e-9);
        // An order that is the same for everyone cannot beat each user's own best order of the same candidates.
        Assert.InRange(models.GetProperty("candidates_population_oracle").GetProperty("oracle_share").GetDouble(), 0, ceiling + 1e-9);
        // Nor can one that knows only the user's device.
        Assert.InRange(models.GetProperty("candidates_device_population_oracle").GetProperty("oracle_share").GetDouble(), 0, ceiling + 1e-9);
        Assert.InRange(models.GetProperty("served").GetProperty("auc").GetDouble(), 0, 1);
        var recall = root.GetProperty("retrieval").GetProperty("recall@50");
        Assert.InRange(recall.GetProperty("merged").GetDouble(), 0, 1);
        // The oracle of a synthetic world is available: world.json was written by generate.
        Assert.True(recall.TryGetProperty("oracle", out _));
    }

    [Fact]
    public async Task TrainOnAnEmptyDataDirSaysWhatToDo()
    {
        var train = await CliProcess.RunAsync(Timeout, "train", $"--RecEngine:DataDir={_dataDir}");
        Assert.Equal(1, train.ExitCode);
        Assert.Contains("generate", train.StdErr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
