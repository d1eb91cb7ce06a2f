using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Training;
using RecEngine.Training.Evaluation;
using RecEngine.Training.Datasets;

namespace RecEngine.Evaluation;

/// <summary>
/// <c>evaluate</c>: trains a model version on the training part of a temporal split by the product's own training path
/// (<see cref="ModelTraining.Fit"/>), writes it as <c>train</c> writes a version, loads it as serving loads one, and
/// scores what the serving stages answer for the held-out users (<see cref="PipelineEvaluation"/>) against the baselines.
/// </summary>
internal sealed class EvaluateVerb(
    RecEngineStore store,
    EventStore events,
    ModelTraining training,
    IRelevanceOracle oracle,
    IOptions<VectorIndexOptions> index,
    IOptions<OnnxRankerOptions> ranker,
    IOptions<AlsOptions> als,
    IOptions<CandidateOptions> candidates,
    IOptions<ServingOptions> serving,
    ThumbnailStore thumbnails,
    TimeProvider time) : IVerb
{
    /// <summary>Share of each user's events (per-user split) held out.</summary>
    public const double TestShare = 0.2;

    public string Name => "evaluate";

    public string Summary => "Temporal-holdout evaluation of what serves: trains a version on the training part as 'train' does, runs the serving pipeline (exploration off) for the held-out users, and reports NDCG/recall/MAP/coverage of served, retrieval_only, most_popular, item_knn (and oracle, random and oracle_share on synthetic data), with paired standard errors.";

    public string Usage => "[--split per-user|global] [--holdout-days N] [--users N] [--seed S] [--epochs N] [--ranker-days N] [--retrieval-k K] [--json FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("split", "per-user: the last 20% of each user's events (by time) are the test set; global: every event after one time cut is", "per-user on imported data (no impressions), global on synthetic data"),
        new("holdout-days", "global split: the last N days of events are the test set", "2"),
        new("users", "users evaluated (sampled deterministically)", "2000"),
        new("seed", "seed of the user sample", "7"),
        new("epochs", "ranker training epochs, as for train", "3"),
        new("ranker-days", "data with impressions: the last N days before the cut train the ranker, as for train", "4"),
        new("retrieval-k", "candidates per user for retrieval recall per source", "500"),
        new("json", "also write the report as JSON to FILE"),
    ];

    public string? ServerAlternative => null;

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var holdoutDays = command.GetInt("holdout-days", 2, min: 1, max: 365);
        var maxUsers = command.GetInt("users", 2000, min: 1);
        var seed = command.GetInt("seed", 7);
        var epochs = command.GetInt("epochs", 3, min: 1, max: 100);
        var rankerDays = command.GetInt("ranker-days", 4, min: 1, max: 365);
        var k = command.GetInt("retrieval-k", 500, min: 1, max: 5000);
        var clock = Stopwatch.StartNew();

        var videos = VideoSnapshot.Build(store, time.GetUtcNow().UtcDateTime);
        var ordered = events.InWindow(DateTime.MinValue, DateTime.MaxValue).ToList();
        if (videos.Count == 0 || ordered.Count == 0)
        {
            Console.Error.WriteLine("The data directory has no videos or no events: run 'generate' or 'import movielens' first.");
            return Task.FromResult(1);
        }

        var hasImpressions = PoolNegativesRanker.HasImpressions(ordered);
        var perUser = (command.GetString("split") ?? (hasImpressions ? "global" : "per-user")) switch
        {
            "per-user" => true,
            "global" => false,
            var other => throw new VerbUsageException($"--split must be per-user or global; got '{other}'."),
        };
        if (perUser && hasImpressions)
        {
            throw new VerbUsageException("--split per-user is for imported data without impressions; logged slates (synthetic data) are evaluated with the global split.");
        }

        var split = perUser
            ? TemporalSplit.CreatePerUser(ordered, videos, TestShare)
            : TemporalSplit.Create(ordered, videos, ordered[^1].Timestamp.AddDays(-holdoutDays));
        Console.WriteLine(perUser
            ? $"{ordered.Count:N0} events, {videos.Count:N0} videos; per-user split: the last {TestShare:P0} of each user's events are the test set."
            : $"{ordered.Count:N0} events, {videos.Count:N0} videos; training before {split.Cut:u}, testing after.");
        var users = split.SampleUsers(maxUsers, seed);
        if (users.Count == 0 || split.Train.Count == 0)
        {
            Console.Error.WriteLine("No user watched anything new in the test part: use a longer --holdout-days or the per-user split.");
            return Task.FromResult(1);
        }

        // Imported data has no hidden ground truth, whatever else the data dir once held.
        var truth = hasImpressions ? oracle : new NoRelevanceOracle();
        var models = Path.Combine(Path.GetTempPath(), $"recengine-evaluate-{Guid.NewGuid():N}");
        try
        {
            string folder;
            int examples;
            IReadOnlyList<double> losses;
            PositionBias? positionBias;
            using (var fitted = training.Fit(split.Train, videos, split.Train[0].Timestamp, split.Cut, split.Cut.AddDays(-rankerDays), epochs, threads: null, Console.Out, cancellationToken))
            {
                folder = training.Write(fitted, models, TextWriter.Null);
                (examples, losses, positionBias) = (fitted.Examples, fitted.Ranker.EpochLosses, fitted.Ranker.PositionBias);
            }

            using var snapshot = ServingSnapshot.Load(folder, videos, TrendingIndex.Empty(videos), index.Value, ranker.Value, als.Value, candidates.Value, thumbnails);
            var retrieval = RetrievalEvaluation.Run(split, videos, snapshot.Retrieval, candidates.Value, truth, users, k);
            Console.WriteLine($"Retrieval recall@{k} over {retrieval.UsersEvaluated:N0} users:");
            foreach (var (name, value) in retrieval.Recall.OrderByDescending(kv => kv.Value))
            {
                Console.WriteLine($"  {name,-14} {value:0.000}");
            }

            HeadMetrics? heads = null;
            double? oracleAuc = null;
            double? oracleAucAtTop = null;
            if (hasImpressions)
            {
                var testSet = RankerDataset.Build(ordered, videos, snapshot.Retrieval, split.Cut, candidates.Value, from: split.Cut, cancellationToken: cancellationToken);
                heads = HeadMetrics.Measure(testSet, snapshot.Scorer.Spec, snapshot.Scorer.Ranker, positionBias);
                oracleAuc = HeadMetrics.OracleAuc(truth, testSet, videos);
                oracleAucAtTop = HeadMetrics.OracleAuc(truth, testSet, videos, atTop: true);
                Console.WriteLine($"Held-out impressions {heads.Impressions:N0}: watch head AUC {heads.WatchAuc:0.000} at the logged positions (the world's own P(watch): {oracleAuc:0.000}), {heads.WatchAucAtTop:0.000} as if at the top (the world's: {oracleAucAtTop:0.000}); watch_time (the order's score) AUC {heads.WatchTimeAuc:0.000}");
            }

            var report = PipelineEvaluation.Run(split, videos, snapshot, users, serving.Value with { ExplorationShare = 0 }, candidates.Value, truth, ItemKnn.Build(split.Train, videos), cancellationToken);
            var margins = report.ServedMargins();
            var w = report.Models.Keys.Max(n => n.Length);
            Console.WriteLine($"{"model".PadRight(w)} {"ndcg@10",8} {"ndcg@20",8} {"recall@10",10} {"recall@20",10} {"map@20",8} {"coverage",9} {"oracle_share",13} {"watch_time_ndcg@20",19}");
            foreach (var (name, m) in report.Models.OrderByDescending(kv => kv.Value.OracleShare ?? kv.Value.NdcgAt10))
            {
                Console.WriteLine($"{name.PadRight(w)} {m.NdcgAt10,8:0.0000} {m.NdcgAt20,8:0.0000} {m.RecallAt10,10:0.0000} {m.RecallAt20,10:0.0000} {m.MapAt20,8:0.0000} {m.Coverage,9:0.0000} {(m.OracleShare is { } s ? s.ToString("0.0000", CultureInfo.InvariantCulture) : "-"),13} {m.WatchTimeNdcgAt20,19:0.0000}");
            }

            foreach (var (name, m) in margins)
            {
                Console.WriteLine($"served - {name} NDCG@10: {m.Mean:+0.0000;-0.0000} (standard error {m.StandardError:0.0000} over {m.Users:N0} users, paired)");
            }

            Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0}s.");
            if (command.GetString("json") is { } path)
            {
                var json = new Dictionary<string, object?>
                {
                    ["users_evaluated"] = report.Users,
                    ["k"] = new[] { 10, 20 },
                    ["split"] = perUser ? "per-user" : "global",
                    ["cut"] = split.Cut,
                    ["models"] = report.Models.ToDictionary(kv => kv.Key, kv => new Dictionary<string, double?>
                    {
                        ["ndcg@10"] = kv.Value.NdcgAt10,
                        ["ndcg@20"] = kv.Value.NdcgAt20,
                        ["recall@10"] = kv.Value.RecallAt10,
                        ["recall@20"] = kv.Value.RecallAt20,
                        ["map@20"] = kv.Value.MapAt20,
                        ["watch_time_ndcg@20"] = kv.Value.WatchTimeNdcgAt20,
                        ["coverage"] = kv.Value.Coverage,
                        ["auc"] = kv.Key == PipelineEvaluation.Served ? heads?.WatchAuc : null,
                        ["oracle_share"] = kv.Value.OracleShare,
                    }),
                    ["served_margin_ndcg@10"] = margins.ToDictionary(kv => kv.Key, kv => new { mean = kv.Value.Mean, standard_error = kv.Value.StandardError, users = kv.Value.Users }),
                    ["heads"] = heads,
                    ["oracle_watch_auc"] = oracleAuc,
                    ["oracle_watch_auc_at_top"] = oracleAucAtTop,
                    ["training"] = new { examples, epoch_losses = losses },
                    ["retrieval"] = new Dictionary<string, object>
                    {
                        ["k"] = k,
                        ["users_evaluated"] = retrieval.UsersEvaluated,
                        [$"recall@{k.ToString(CultureInfo.InvariantCulture)}"] = retrieval.Recall,
                    },
                    ["seconds"] = clock.Elapsed.TotalSeconds,
                };
                File.WriteAllText(path, JsonSerializer.Serialize(json, ServiceDefaults.Json));
            }

            return Task.FromResult(0);
        }
        finally
        {
            if (Directory.Exists(models))
            {
                Directory.Delete(models, recursive: true);
            }
        }
    }
}
