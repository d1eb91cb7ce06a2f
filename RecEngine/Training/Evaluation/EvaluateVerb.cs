using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary><c>evaluate</c>: temporal-holdout metrics of the models and baselines on the data dir's events.</summary>
internal sealed class EvaluateVerb(
    RecEngineStore store,
    EventStore events,
    IRelevanceOracle oracle,
    IOptions<AlsOptions> als,
    IOptions<VectorIndexOptions> index,
    IOptions<CandidateOptions> candidates,
    TimeProvider time) : IVerb
{
    public string Name => "evaluate";

    public string Summary => "Temporal-holdout evaluation: trains retrieval and the ranker before the cut, then reports NDCG/recall/MAP/coverage of ranker, retrieval_only, most_popular (and oracle on synthetic data), head AUC/log-loss, and retrieval recall per source.";

    public string Usage => "[--holdout-days N] [--users N] [--retrieval-k K] [--epochs N] [--json FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("holdout-days", "the last N days of events are the test set", "2"),
        new("users", "users evaluated (sampled deterministically)", "2000"),
        new("retrieval-k", "candidates per user for retrieval recall", "500"),
        new("seed", "seed of the user sample", "7"),
        new("epochs", "ranker training epochs", "3"),
        new("ranker-days", "days before the cut whose impressions train the ranker; embeddings for its features come from the days before those", "4"),
        new("candidates", "candidates the ranker orders per user", "500"),
        new("json", "also write the report as JSON to FILE"),
    ];

    public string? ServerAlternative => null;

    /// <summary>AUC of the world's true P(watch) on the held-out impressions, where the world has an oracle.</summary>
    private double? OracleAuc(RankerDataset test, VideoSnapshot videos)
    {
        if (!oracle.IsAvailable || test.Count == 0 || oracle.WatchProbability(test.Users[0], videos.Ids[test.Videos[0]], test.Impressions[0].At, 0, null) is null)
        {
            return null;
        }

        var truth = Enumerable.Range(0, test.Count)
            .Select(i => oracle.WatchProbability(test.Users[i], videos.Ids[test.Videos[i]], test.Impressions[i].At, test.Impressions[i].Position, test.Impressions[i].Device) ?? 0)
            .ToList();
        return RankingMetrics.Auc(truth, [.. test.Watched.Select(w => w > 0.5f)]);
    }

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var holdoutDays = command.GetInt("holdout-days", 2, min: 1, max: 365);
        var maxUsers = command.GetInt("users", 2000, min: 1);
        var k = command.GetInt("retrieval-k", 500, min: 1, max: 5000);
        var seed = command.GetInt("seed", 7);
        var epochs = command.GetInt("epochs", 3, min: 1, max: 100);
        var rankerDays = command.GetInt("ranker-days", 4, min: 1, max: 365);
        var poolSize = command.GetInt("candidates", 500, min: 20, max: 5000);
        var clock = Stopwatch.StartNew();

        var videos = VideoSnapshot.Build(store, time.GetUtcNow().UtcDateTime);
        var ordered = events.Events.Query().OrderBy(e => e.Timestamp).ToList();
        if (videos.Count == 0 || ordered.Count == 0)
        {
            Console.Error.WriteLine("The data directory has no videos or no events: run 'generate' or 'import movielens' first.");
            return Task.FromResult(1);
        }

        var end = ordered[^1].Timestamp;
        var cut = end.AddDays(-holdoutDays);
        Console.WriteLine($"{ordered.Count:N0} events, {videos.Count:N0} videos; training before {cut:u}, testing after.");
        var split = TemporalSplit.Create(ordered, videos, cut);
        var users = split.SampleUsers(maxUsers, seed);
        if (users.Count == 0)
        {
            Console.Error.WriteLine("No user watched anything new after the cut: use a longer --holdout-days.");
            return Task.FromResult(1);
        }

        using var model = RetrievalTrainer.Train(split.Train, videos, als.Value, index.Value, cancellationToken);
        var retrieval = RetrievalEvaluation.Run(split, videos, model, candidates.Value, oracle, users, k);

        Console.WriteLine($"Retrieval recall@{k} over {retrieval.UsersEvaluated:N0} users (of {split.Targets.Count:N0} with new watches after the cut):");
        foreach (var (name, value) in retrieval.Recall.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine($"  {name,-14} {value:0.000}");
        }

        var rankerFrom = cut.AddDays(-rankerDays);
        Console.WriteLine($"Training the ranker on impressions from {rankerFrom:u} to the cut, with embeddings trained before {rankerFrom:u}...");
        var (trained, examples) = RankerModelTrainer.TrainOutOfSample(split.Train, videos, rankerFrom, cut, als.Value, index.Value, candidates.Value, epochs, cancellationToken);
        Console.WriteLine($"  {examples:N0} examples, {trained.ExamplesPerSecond:N0} examples/s, losses {string.Join(" ", trained.EpochLosses.Select(l => l.ToString("0.0000", CultureInfo.InvariantCulture)))}");
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(trained.Network, trained.Spec), "evaluation", new OnnxRankerOptions(), trained.Spec.RawWidth, trained.Spec.IdWidth);
        var testSet = RankerDataset.Build(ordered, videos, model, cut, candidates.Value, from: cut, cancellationToken: cancellationToken);
        var heads = RankerEvaluation.Heads(RankerModelTrainer.EncodeImputed(trained.Spec, testSet), ranker);
        Console.WriteLine($"  held-out impressions {heads.Impressions:N0}: watch head AUC {heads.WatchAuc:0.000} log-loss {heads.WatchLogLoss:0.000}; watch-time head AUC {heads.WatchTimeAuc:0.000} log-loss {heads.WatchTimeLogLoss:0.000}");

        var oracleAuc = OracleAuc(testSet, videos);
        if (oracleAuc is { } ceiling)
        {
            Console.WriteLine($"  oracle P(watch) AUC on the same impressions {ceiling:0.000} (the ceiling: the world's own noise)");
        }

        var scorer = new CandidateScorer(ranker, trained.Spec);
        var models = RankerEvaluation.Run(split, videos, model, scorer, candidates.Value, oracle, users, poolSize, heads.WatchAuc);
        Console.WriteLine($"{"model",-15} {"ndcg@10",8} {"ndcg@20",8} {"recall@10",10} {"recall@20",10} {"map@20",8} {"coverage",9}");
        foreach (var (name, m) in models.OrderByDescending(kv => kv.Value.NdcgAt20))
        {
            Console.WriteLine($"{name,-15} {m.NdcgAt10,8:0.0000} {m.NdcgAt20,8:0.0000} {m.RecallAt10,10:0.0000} {m.RecallAt20,10:0.0000} {m.MapAt20,8:0.0000} {m.Coverage,9:0.0000}");
        }

        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0}s.");
        if (command.GetString("json") is { } path)
        {
            var report = new Dictionary<string, object>
            {
                ["users_evaluated"] = retrieval.UsersEvaluated,
                ["k"] = new[] { 10, 20 },
                ["cut"] = cut,
                ["models"] = models.ToDictionary(kv => kv.Key, kv => (object)new Dictionary<string, double?>
                {
                    ["ndcg@10"] = kv.Value.NdcgAt10,
                    ["ndcg@20"] = kv.Value.NdcgAt20,
                    ["recall@10"] = kv.Value.RecallAt10,
                    ["recall@20"] = kv.Value.RecallAt20,
                    ["map@20"] = kv.Value.MapAt20,
                    ["coverage"] = kv.Value.Coverage,
                    ["auc"] = kv.Value.Auc,
                }),
                ["heads"] = heads,
                ["oracle_watch_auc"] = oracleAuc!,
                ["training"] = new { examples, examples_per_second = trained.ExamplesPerSecond, epoch_losses = trained.EpochLosses },
                ["retrieval"] = new Dictionary<string, object>
                {
                    ["k"] = k,
                    ["users_evaluated"] = retrieval.UsersEvaluated,
                    [$"recall@{k.ToString(CultureInfo.InvariantCulture)}"] = retrieval.Recall,
                },
            };
            File.WriteAllText(path, JsonSerializer.Serialize(report, ServiceDefaults.Json));
        }

        return Task.FromResult(0);
    }
}
