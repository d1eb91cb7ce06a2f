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
    /// <summary>Share of each user's events (per-user split) or of all events (global split on imported data) held out.</summary>
    public const double TestShare = 0.2;

    /// <summary>The most epochs the pool network trains on imported data; the validation split picks the count.</summary>
    public const int MaxEpochsImported = 8;

    public string Name => "evaluate";

    public string Summary => "Temporal-holdout evaluation: trains retrieval and the ranker on the training part, then reports NDCG/recall/MAP/coverage of ranker, retrieval_only, most_popular, item_knn (and oracle on synthetic data), head AUC/log-loss, and retrieval recall per source. " +
        "On imported data (no impressions) the default split is per user, and the ranker is a pool network stacked under a LambdaRank blend of the baselines' signals, with its epochs and blend chosen on a validation split cut from the training part by the same rule; the test part is read once.";

    public string Usage => "[--split per-user|global] [--holdout-days N] [--users N] [--retrieval-k K] [--epochs N] [--json FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("split", "per-user: the last 20% of each user's events (by time) are the test set; global: every event after one time cut is", "per-user on imported data (no impressions), global on synthetic data"),
        new("holdout-days", "global split: the last N days of events are the test set", "2 on synthetic data; on imported data the cut leaves the newest 20% of events"),
        new("users", "users evaluated (sampled deterministically)", "2000"),
        new("retrieval-k", "candidates per user for retrieval recall", "500"),
        new("seed", "seed of the user sample", "7"),
        new("epochs", "ranker training epochs; on imported data the most epochs, and early stopping on the validation split picks the count", $"3 on synthetic data, {MaxEpochsImported} on imported data"),
        new("ranker-days", "global split: days before the cut whose impressions (or, on imported data, watches against pooled candidates) train the ranker; embeddings and other features come from the days before those. The per-user split takes the last 20% of each user's training events as the ranker's labels", "4 on synthetic data; on imported data the newest 20% of training events"),
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

        // Impressions of users or videos the world did not create (added through the API, say) have no truth: left out.
        var known = Enumerable.Range(0, test.Count)
            .Select(i => (Truth: oracle.WatchProbability(test.Users[i], videos.Ids[test.Videos[i]], test.Impressions[i].At, test.Impressions[i].Position, test.Impressions[i].Device), Watched: test.Watched[i] > 0.5f))
            .Where(x => x.Truth is not null)
            .ToList();
        return RankingMetrics.Auc([.. known.Select(x => x.Truth!.Value)], [.. known.Select(x => x.Watched)]);
    }

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var holdoutDays = command.GetInt("holdout-days", 2, min: 1, max: 365);
        var maxUsers = command.GetInt("users", 2000, min: 1);
        var k = command.GetInt("retrieval-k", 500, min: 1, max: 5000);
        var seed = command.GetInt("seed", 7);
        var rankerDays = command.GetInt("ranker-days", 4, min: 1, max: 365);
        var poolSize = command.GetInt("candidates", 500, min: 20, max: 5000);
        var clock = Stopwatch.StartNew();

        var videos = VideoSnapshot.Build(store, time.GetUtcNow().UtcDateTime);
        var ordered = events.InWindow(DateTime.MinValue, DateTime.MaxValue).ToList();
        if (videos.Count == 0 || ordered.Count == 0)
        {
            Console.Error.WriteLine("The data directory has no videos or no events: run 'generate' or 'import movielens' first.");
            return Task.FromResult(1);
        }

        var hasImpressions = SampledNegativesRanker.HasImpressions(ordered);
        var epochs = command.GetInt("epochs", hasImpressions ? 3 : MaxEpochsImported, min: 1, max: 100);
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
            : TemporalSplit.Create(ordered, videos, GlobalCut(ordered, command, hasImpressions, holdoutDays));
        Console.WriteLine(perUser
            ? $"{ordered.Count:N0} events, {videos.Count:N0} videos; per-user split: the last {TestShare:P0} of each user's events are the test set."
            : $"{ordered.Count:N0} events, {videos.Count:N0} videos; training before {split.Cut:u}, testing after.");
        var users = split.SampleUsers(maxUsers, seed);
        if (users.Count == 0)
        {
            Console.Error.WriteLine("No user watched anything new in the test part: use a longer --holdout-days or the per-user split.");
            return Task.FromResult(1);
        }

        // Imported data has no hidden ground truth, whatever else the data dir once held.
        var truth = hasImpressions ? oracle : new NoRelevanceOracle();
        using var model = RetrievalTrainer.Train(split.Train, videos, als.Value, index.Value, cancellationToken);
        var retrieval = RetrievalEvaluation.Run(split, videos, model, candidates.Value, truth, users, k);

        Console.WriteLine($"Retrieval recall@{k} over {retrieval.UsersEvaluated:N0} users (of {split.Targets.Count:N0} with new watches in the test part):");
        foreach (var (name, value) in retrieval.Recall.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine($"  {name,-14} {value:0.000}");
        }

        TrainedRanker trained;
        int examples;
        RankerDataset testSet;
        TrainingSplitSignals? signals = null;
        StackedPoolRanker? stacked = null;
        if (hasImpressions)
        {
            var rankerFrom = split.Cut.AddDays(-rankerDays);
            Console.WriteLine($"Training the ranker on impressions from {rankerFrom:u} to the cut, with embeddings trained before {rankerFrom:u}...");
            (trained, examples) = RankerModelTrainer.TrainOutOfSample(split.Train, videos, rankerFrom, split.Cut, als.Value, index.Value, candidates.Value, epochs, cancellationToken);
            testSet = RankerDataset.Build(ordered, videos, model, split.Cut, candidates.Value, from: split.Cut, cancellationToken: cancellationToken);
        }
        else
        {
            // No impressions: the stacked pool ranker (StackedPoolRanker). A validation split is cut out of the
            // training split by the test split's own rule; the network's epochs and the LambdaRank blend's weights and
            // settings are chosen there, then the network is refitted, and the test split is read once, below.
            DateTime? innerCut = perUser ? null : command.GetString("ranker-days") is null ? Quantile(split.Train, 1 - TestShare) : split.Cut.AddDays(-rankerDays);
            Console.WriteLine(perUser
                ? $"Choosing the ranker's settings on a validation split: the last {TestShare:P0} of each user's training events..."
                : $"Choosing the ranker's settings on a validation split: the training events from {innerCut:u} to the cut...");
            stacked = StackedPoolRanker.Fit(split.Train, videos, innerCut, TestShare, als.Value, index.Value, candidates.Value, poolSize, epochs, Console.WriteLine, cancellationToken);
            (trained, examples) = (stacked.Network, stacked.Examples);
            signals = TrainingSplitSignals.Build(split.Train, videos);
            var isTest = perUser ? PerUserTail.Mask(ordered, TestShare) : [.. ordered.Select(e => e.Timestamp >= split.Cut)];
            testSet = CandidatePoolDataset.Build(split, CandidatePoolDataset.WatchSeconds(ordered, i => isTest[i], videos), videos, model, signals, candidates.Value, poolSize, users, cancellationToken: cancellationToken);
        }

        using var ownedStacked = stacked;
        Console.WriteLine($"  {examples:N0} examples, {trained.ExamplesPerSecond:N0} examples/s, losses {string.Join(" ", trained.EpochLosses.Select(l => l.ToString("0.0000", CultureInfo.InvariantCulture)))}");
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(trained.Network, trained.Spec), "evaluation", new OnnxRankerOptions(), trained.Spec.RawWidth, trained.Spec.IdWidth);
        var heads = RankerEvaluation.Heads(RankerModelTrainer.EncodeImputed(trained.Spec, testSet), ranker);
        Console.WriteLine($"  held-out {(hasImpressions ? "impressions" : "watches and pooled negatives of the evaluated users")} {heads.Impressions:N0}: watch head AUC {heads.WatchAuc:0.000} log-loss {heads.WatchLogLoss:0.000}; watch-time head AUC {heads.WatchTimeAuc:0.000} log-loss {heads.WatchTimeLogLoss:0.000}");

        var oracleAuc = OracleAuc(testSet, videos);
        if (oracleAuc is { } ceiling)
        {
            Console.WriteLine($"  oracle P(watch) AUC on the same impressions {ceiling:0.000} (the ceiling: the world's own noise)");
        }

        var scorer = new CandidateScorer(ranker, trained.Spec);
        PoolScorer score = stacked is null || signals is null
            ? (user, _, ids, impression, trending, p, t) => scorer.Score(user, ids, impression, videos, model, trending, p, t)
            : stacked.Scorer(split.Train, signals, videos, model);
        // On imported data, also the network `train` would serve (ServedNetwork), scored as serving scores it.
        using var served = stacked is null ? null : ServedNetwork.Train(split.Train, videos, rankerDays, als.Value, index.Value, candidates.Value, Console.WriteLine, cancellationToken);
        var coverage = new PoolCoverage();
        var userNdcg = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var models = RankerEvaluation.Run(split, videos, model, score, candidates.Value, truth, users, poolSize, heads.WatchAuc, signals?.Knn ?? ItemKnn.Build(split.Train, videos), widen: signals,
            pWatchName: stacked is null ? "ranker_p_watch" : "ranker_network", coverage: coverage, perUserNdcgAt10: userNdcg,
            served: served is null ? null : (ServedNetwork.Name, served.Scorer(videos, model)));
        var margins = PairedMargin.Against("ranker", userNdcg);
        Console.WriteLine($"{"model",-15} {"ndcg@10",8} {"ndcg@20",8} {"recall@10",10} {"recall@20",10} {"map@20",8} {"coverage",9}");
        foreach (var (name, m) in models.OrderByDescending(kv => kv.Value.NdcgAt20))
        {
            Console.WriteLine($"{name,-15} {m.NdcgAt10,8:0.0000} {m.NdcgAt20,8:0.0000} {m.RecallAt10,10:0.0000} {m.RecallAt20,10:0.0000} {m.MapAt20,8:0.0000} {m.Coverage,9:0.0000}");
        }

        foreach (var (name, m) in margins)
        {
            Console.WriteLine($"ranker - {name} NDCG@10: {m.Mean:+0.0000;-0.0000} (standard error {m.StandardError:0.0000} over {m.Users:N0} users, paired)");
        }

        if (stacked is not null)
        {
            Console.WriteLine($"Pool: {coverage.MeanPoolSize:N0} candidates per user hold {coverage.PoolRecall:P1} of the test watches; most_popular's top 10 finds {coverage.PopularRecallAt10:P1} of them, {coverage.PopularHitsInPool:P1} of those hits in the pool.");
        }

        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0}s.");
        if (command.GetString("json") is { } path)
        {
            var report = new Dictionary<string, object>
            {
                ["users_evaluated"] = retrieval.UsersEvaluated,
                ["k"] = new[] { 10, 20 },
                ["split"] = perUser ? "per-user" : "global",
                ["cut"] = split.Cut,
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
                ["selection"] = stacked?.Selection!,
                ["ranker_margin_ndcg@10"] = margins.ToDictionary(kv => kv.Key, kv => new { mean = kv.Value.Mean, standard_error = kv.Value.StandardError }),
                ["pool"] = stacked is null ? null! : new { pool_recall = coverage.PoolRecall, popular_recall_at_10 = coverage.PopularRecallAt10, popular_hits_in_pool = coverage.PopularHitsInPool, mean_pool_size = coverage.MeanPoolSize },
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

    /// <summary>
    /// The global cut: --holdout-days before the newest event where given or where the data has logged slates
    /// (synthetic), else the time that leaves the newest 20% of events for testing (imported data spans years).
    /// </summary>
    private static DateTime GlobalCut(List<InteractionEvent> ordered, CommandLine command, bool hasImpressions, int holdoutDays) =>
        hasImpressions || command.GetString("holdout-days") is not null
            ? ordered[^1].Timestamp.AddDays(-holdoutDays)
            : Quantile(ordered, 1 - TestShare);

    /// <summary>The time before which <paramref name="share"/> of the time-ordered events lie.</summary>
    private static DateTime Quantile(List<InteractionEvent> ordered, double share) =>
        ordered[Math.Min(ordered.Count - 1, (int)Math.Floor(ordered.Count * share))].Timestamp;
}
