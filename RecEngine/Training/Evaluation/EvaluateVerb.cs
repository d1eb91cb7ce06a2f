using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
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

    public string Summary => "Temporal-holdout evaluation: recall of candidate generation per source (and the oracle on synthetic data).";

    public string Usage => "[--holdout-days N] [--users N] [--retrieval-k K] [--json FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("holdout-days", "the last N days of events are the test set", "2"),
        new("users", "users evaluated (sampled deterministically)", "2000"),
        new("retrieval-k", "candidates per user for retrieval recall", "500"),
        new("seed", "seed of the user sample", "7"),
        new("json", "also write the report as JSON to FILE"),
    ];

    public string? ServerAlternative => null;

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var holdoutDays = command.GetInt("holdout-days", 2, min: 1, max: 365);
        var maxUsers = command.GetInt("users", 2000, min: 1);
        var k = command.GetInt("retrieval-k", 500, min: 1, max: 5000);
        var seed = command.GetInt("seed", 7);
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

        Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:0.0}s.");
        if (command.GetString("json") is { } path)
        {
            var report = new Dictionary<string, object>
            {
                ["users_evaluated"] = retrieval.UsersEvaluated,
                ["cut"] = cut,
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
