using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Lifecycle;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Integration;
using RecEngine.Training;

namespace RecEngine.Tests.Lifecycle;

/// <summary>Exploration validation: models compared on the held-out slice's explored impressions only.</summary>
public sealed class ExplorationValidationTests
{
    [Fact]
    public async Task AModelThatKnowsTheHeldOutTasteScoresHigherOnTheExploredImpressions()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var services = factory.Services;
        var all = services.GetRequiredService<EventStore>().InWindow(DateTime.MinValue, DateTime.MaxValue).ToList();
        var end = all[^1].Timestamp.AddMilliseconds(1);
        var cut = end.AddDays(-1);
        // Every held-out impression counts as explored here (the generated history has no exploration flags).
        foreach (var e in all.Where(e => e.Timestamp >= cut && e.Type == EventType.Impression))
        {
            e.Explored = true;
        }

        var explored = ExplorationValidation.Collect(all, cut);
        var options = services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value;
        var candidates = services.GetRequiredService<IOptions<CandidateOptions>>().Value;
        var training = services.GetRequiredService<ModelTraining>();
        var loader = services.GetRequiredService<ServingLoader>();

        // One model saw the held-out watches (trained through the end); the other only the first day of the world.
        var start = all[0].Timestamp;
        using var knows = loader.LoadSnapshot(training.TrainWindow(start, end, end.AddDays(-2), 1, null, TextWriter.Null, CancellationToken.None)!);
        using var blind = loader.LoadSnapshot(training.TrainWindow(start, start.AddDays(1), start, 1, null, TextWriter.Null, CancellationToken.None)!);
        var a = ExplorationValidation.Evaluate(knows, all, cut, explored, candidates, options)!;
        var b = ExplorationValidation.Evaluate(blind, all, cut, explored, candidates, options)!;

        // Both on the same impressions: the same counts, and the popularity baseline (no model) scores the same.
        Assert.Equal(explored.Count, a.Impressions);
        Assert.Equal((a.Impressions, a.Watched, a.Users, a.MostPopularAuc), (b.Impressions, b.Watched, b.Users, b.MostPopularAuc));
        Assert.InRange(a.Watched, 20, a.Impressions - 20);
        Assert.True(a.Auc > b.Auc + 0.02, $"knows the held-out taste {a.Auc:0.0000} vs blind {b.Auc:0.0000}");
        Assert.True(a.Auc > 0.5, $"knows the held-out taste {a.Auc:0.0000}: better than chance");
    }

    [Fact]
    public void OnlyExploredImpressionsCountAndAWatchFromTheSameSlateLabelsThem()
    {
        var at = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        InteractionEvent Ev(EventType type, string video, string request, bool? explored = null, int minutes = 0, double seconds = 0) => new()
        {
            EventId = Guid.NewGuid().ToString("N"), UserId = "u1", VideoId = video, Type = type, Timestamp = at.AddMinutes(minutes), RequestId = request, Explored = explored, WatchSeconds = seconds,
        };
        List<InteractionEvent> events =
        [
            Ev(EventType.Impression, "before", "r0", explored: true, minutes: -10),
            Ev(EventType.Watch, "before", "r0", minutes: -9),
            Ev(EventType.Impression, "v1", "r1", explored: true),
            Ev(EventType.Impression, "v2", "r1"),
            Ev(EventType.Impression, "v3", "r1", explored: true),
            // Two watches of v1 from the slate: their seconds add up.
            Ev(EventType.Watch, "v1", "r1", minutes: 1, seconds: 40),
            Ev(EventType.Watch, "v1", "r1", minutes: 2, seconds: 25),
            Ev(EventType.Watch, "v2", "r1", minutes: 2),
            // v3 watched later from another slate: not a watch of the explored showing.
            Ev(EventType.Watch, "v3", "r2", minutes: 3),
        ];

        var explored = ExplorationValidation.Collect(events, at);

        Assert.Equal([new ExploredImpression("u1", "v1", true, 65), new ExploredImpression("u1", "v3", false)], explored);
    }

    [Fact]
    public async Task BelowTheMinimumRetrainingSaysInsufficientExplorationDataAndValidatesOnRetrieval()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Relative",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        LifecycleWorld.TrainAndPromote(factory.Services);

        // The generated history has no explored impressions at all.
        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.Equal("watch_time_ndcg@20", outcome.Metric);
        Assert.Contains("(insufficient exploration data (0 watched of 0 explored impressions, fewer than 30), retrieval validation instead)", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithEnoughExploredImpressionsRetrainingComparesTheModelsOnThem()
    {
        // Tolerance 1 and the retrieval guard off: any candidate passes, so the test is about what is compared.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Relative",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "1",
            ["RecEngine:Lifecycle:Validation:ExplorationMinWatches"] = "10",
            ["RecEngine:Lifecycle:Validation:RetrievalGuardTolerance"] = "1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);
        FlagHeldOutImpressionsAsExplored(factory.Services);

        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.True(outcome.Promoted, outcome.Reason);
        Assert.Equal(ExplorationValidation.Metric, outcome.Metric);
        Assert.StartsWith("not worse than serving within the relative tolerance 1: explore_watch_time_auc", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(" explored impressions; in retrieval order ", outcome.Reason, StringComparison.Ordinal);
        var record = factory.Services.GetRequiredService<ModelRegistry>().Get(outcome.Version!)!;
        Assert.Equal($"serving:{serving}", record.Validation!.Baseline);
        Assert.InRange(record.Validation.CandidateValue, 0, 1);
        Assert.Equal(record.Validation.BaselineValue, outcome.ServingValue);
        Assert.True(record.Metrics.TryGetValue("held_out_explored_impressions", out var impressions) && impressions > 0, "explored impressions recorded");
    }

    [Fact]
    public async Task TheRetrievalGuardVetoesACandidateFarBelowServingOnRetrieval()
    {
        // Guard tolerance 0: the candidate must match serving on retrieval, and the serving model here was trained on the
        // held-out slice itself (a manual train), so it knows what was watched next and the candidate cannot.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Relative",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "1",
            ["RecEngine:Lifecycle:Validation:ExplorationMinWatches"] = "10",
            ["RecEngine:Lifecycle:Validation:RetrievalGuardTolerance"] = "0",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        LifecycleWorld.TrainAndPromote(factory.Services);
        FlagHeldOutImpressionsAsExplored(factory.Services);

        var outcome = await factory.Services.GetRequiredService<IRetrainer>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.False(outcome.Promoted, outcome.Reason);
        Assert.StartsWith("within the relative tolerance 1 but far worse than serving on retrieval: explore_watch_time_auc", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("retrieval guard failed: watch_time_ndcg@20 ", outcome.Reason, StringComparison.Ordinal);
    }

    /// <summary>Every fourth held-out impression was (say) explored: flags them in the store.</summary>
    private static void FlagHeldOutImpressionsAsExplored(IServiceProvider services)
    {
        var store = services.GetRequiredService<EventStore>();
        var newest = store.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).First().Timestamp;
        var heldOut = store.Events.Find(e => e.Type == EventType.Impression && e.Timestamp > newest.AddDays(-1)).Where(e => e.Position % 4 == 1).ToList();
        foreach (var e in heldOut)
        {
            e.Explored = true;
        }

        store.Events.Update(heldOut);
    }
}
