using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Lifecycle;
using RecEngine.Retrieval.Candidates;
using RecEngine.Simulation;
using RecEngine.Simulation.Online;
using RecEngine.Training;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Simulation;

// Heavy (a world, training, two hosts): one at a time, and never two stores opening at once in this process.
[Collection(OnlineLoopCollection.Name)]
public sealed partial class OnlineLoopTests
{
    [Fact]
    public async Task LoopEventsAreStoredWithThePipelinesRequestIdsAndTrainingJoinsThem()
    {
        using var dir = new SimulationTestDirectory();
        var settings = new OnlineLoopSettings { Users = 300, Videos = 300, HistoryDays = 3, Days = 2, SwitchDay = 1, WindowDays = 3, RankerDays = 1, Epochs = 1 };
        var world = new SimulatedWorld(settings.World(new SimulationOptions { MeanSessionsPerUserDay = 1.5 }), settings.Start);
        // About 450 slates a day: the canary's fifth of them is decided at 20.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{CanaryOptions.Section}:MinSlates"] = "20",
        }).Build();
        var baseDir = Path.Combine(dir.Path, "base");
        var runDir = Path.Combine(dir.Path, "run");
        OnlineSimulation.Prepare(configuration, world, settings, baseDir, new Progress<RecEngine.Hosting.ProgressUpdate>(), CancellationToken.None);

        var days = await OnlineSimulation.RunAsync("test run", configuration, world, settings, baseDir, runDir, retraining: true, CancellationToken.None);

        Assert.Equal(2, days.Count);
        Assert.All(days, d => Assert.True(d.Slates > 50 && d.Events > d.Slates, d.ToString()));

        // Read the run's data directory back through a fresh host over it.
        var onlineFrom = world.Truth.DayStart(settings.HistoryDays);
        var onlineTo = world.Truth.DayStart(settings.HistoryDays + settings.Days);
        using var host = OnlineLoopHost.Build(configuration, runDir, new FakeTimeProvider(new DateTimeOffset(onlineTo)), settings, retraining: true);

        // The validating RetrainingService trained a candidate at each midnight and served it as a canary to a share
        // of users; the second midnight decided the first canary on watch time per slate, then started the second.
        var registry = host.Services.GetRequiredService<ModelRegistry>();
        var candidates = registry.All().Where(m => m.Version != days[0].ModelVersion).OrderBy(m => m.Version, StringComparer.Ordinal).ToList();
        Assert.Equal(2, candidates.Count);
        var (first, second) = (candidates[0], candidates[1]);
        Assert.True(days[0].CanaryStarted && !days[0].Retrained, days[0].RetrainReason);
        Assert.Equal(first.Version, days[1].CanaryVersion);
        Assert.Equal(days[0].ModelVersion, days[1].ModelVersion);
        Assert.True(first.CanaryStartedAt is not null && first.Status is ModelStatus.Serving or ModelStatus.Rejected, $"{first.Version}: {first.Status} {first.Reason}");
        Assert.True(first.Validation is { Metric: CanaryComparison.Metric, Users: > 0 } fv && fv.Baseline == "serving:" + days[0].ModelVersion
            && fv.Passed == (first.Status == ModelStatus.Serving) && first.Metrics["canary_serving_slates"] > first.Metrics["canary_slates"], $"{first.Version}: {first.Reason}");
        Assert.Equal(first.Status == ModelStatus.Serving, days[1].Retrained);
        Assert.Contains(first.Status == ModelStatus.Serving ? "canary not worse than serving" : "canary worse than serving", first.Reason, StringComparison.Ordinal);
        // The second candidate serves its canary now (a restart would reject it: canaries do not resume).
        Assert.True(second.Status == ModelStatus.Candidate && second.CanaryStartedAt is not null && days[1].CanaryStarted, $"{second.Version}: {second.Status} {second.Reason}");
        Assert.True(second.Validation is { Users: > 0, Metric: "watch_time_ndcg@20" or ExplorationValidation.Metric } sv && sv.Baseline.StartsWith("serving:", StringComparison.Ordinal), second.Reason);
        var store = host.Services.GetRequiredService<EventStore>();
        var online = store.InWindow(onlineFrom, onlineTo).ToList();

        // Day 1's impressions name the version that served each slate: the canary's for about its share of them, and
        // one version per slate; the registry's numbers count those slates.
        var day1 = online.Where(e => e.Type == EventType.Impression && e.Timestamp >= world.Truth.DayStart(settings.HistoryDays + 1)).ToList();
        Assert.All(day1, e => Assert.True(e.ModelVersion == first.Version || e.ModelVersion == days[0].ModelVersion, e.ModelVersion));
        var slatesByVersion = day1.GroupBy(e => e.RequestId).Select(g => Assert.Single(g.Select(e => e.ModelVersion).Distinct())).ToList();
        var canaryShare = slatesByVersion.Count(v => v == first.Version) / (double)slatesByVersion.Count;
        Assert.InRange(canaryShare, 0.1, 0.3);
        Assert.Equal(slatesByVersion.Count(v => v == first.Version), (int)first.Metrics["canary_slates"]);
        Assert.Equal(days.Sum(d => d.Events), online.Count);
        Assert.True(store.InWindow(onlineFrom.AddDays(-settings.HistoryDays), onlineFrom).Any(), "the warm-up history is stored too");

        // Every event names a slate the pipeline served (its request id, not the generator's r{day}-{user}-{n}) and a position.
        Assert.All(online, e => Assert.True(e.RequestId is not null && ServedRequestId().IsMatch(e.RequestId) && e.Position is >= 0, $"{e.EventId}: {e.RequestId} at {e.Position}"));
        var impressions = online.Where(e => e.Type == EventType.Impression).ToList();
        Assert.Equal(days.Sum(d => d.Slates), impressions.Select(e => e.RequestId).Distinct().Count());

        // The pipeline explores 0.1 of each slate's positions (default share); the sessions' own impression log flags them.
        var explored = impressions.Count(e => e.Explored == true);
        Assert.InRange(explored / (double)impressions.Count, 0.07, 0.13);
        Assert.All(impressions, e => Assert.True(e.Explored is null or true, e.EventId));
        var shown = impressions.Select(e => (e.UserId, e.VideoId, e.RequestId)).ToHashSet();
        var watched = online.Where(e => e.Type == EventType.Watch).Select(e => (e.UserId, e.VideoId, e.RequestId)).ToHashSet();
        Assert.NotEmpty(watched);
        Assert.Subset(shown, watched);

        // Training's dataset joins each watch to its impression by request id: one positive per watched (slate, video).
        var videos = VideoSnapshot.Build(host.Services.GetRequiredService<RecEngineStore>(), onlineTo);
        var dataset = RankerDataset.Build(store.InWindow(onlineFrom.AddDays(-1), onlineTo).ToList(), videos, null, onlineTo, new CandidateOptions(), from: onlineFrom);
        Assert.Equal(impressions.Count, dataset.Count);
        Assert.Equal(watched.Count, (int)dataset.Watched.Sum());
    }

    [Fact]
    public async Task ARejectedCandidateIsRecordedWithItsNumbersAndDoesNotServe()
    {
        using var dir = new SimulationTestDirectory();
        var settings = new OnlineLoopSettings { Users = 300, Videos = 300, HistoryDays = 3, Days = 2, SwitchDay = 1, WindowDays = 3, RankerDays = 1, Epochs = 1 };
        var world = new SimulatedWorld(settings.World(new SimulationOptions { MeanSessionsPerUserDay = 1.5 }), settings.Start);
        // Validation demands an absolute NDCG gain of 1, which no candidate reaches.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{HeldOutValidationOptions.Section}:ToleranceMode"] = "Absolute",
            [$"{HeldOutValidationOptions.Section}:Tolerance"] = "-1",
            // Held-out validation decides (no canary).
            [$"{CanaryOptions.Section}:Share"] = "0",
        }).Build();
        var baseDir = Path.Combine(dir.Path, "base");
        var runDir = Path.Combine(dir.Path, "run");
        OnlineSimulation.Prepare(configuration, world, settings, baseDir, new Progress<RecEngine.Hosting.ProgressUpdate>(), CancellationToken.None);

        var days = await OnlineSimulation.RunAsync("test run", configuration, world, settings, baseDir, runDir, retraining: true, CancellationToken.None);

        Assert.All(days, d => Assert.True(!d.Retrained && d.RetrainTrigger is not null && d.ModelVersion == days[0].ModelVersion, d.ToString()));
        using var host = OnlineLoopHost.Build(configuration, runDir, new FakeTimeProvider(new DateTimeOffset(world.Truth.DayStart(settings.HistoryDays + settings.Days))), settings, retraining: true);
        var registry = host.Services.GetRequiredService<ModelRegistry>();
        Assert.Equal(days[0].ModelVersion, registry.Serving()?.Version);
        var rejected = registry.All().Where(m => m.Version != days[0].ModelVersion).ToList();
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.True(
            r.Status == ModelStatus.Rejected && r.Validation is { Passed: false, Users: > 0 } v && v.CandidateValue - v.BaselineValue < 1 && r.Reason.Contains("worse than serving", StringComparison.Ordinal),
            $"{r.Version}: {r.Status} {r.Reason}"));
    }

    [Fact]
    public async Task ARankerTrainedOnServedDaysTakesPositionAsAnExaminationOffsetFittedOnTheExploredImpressionsAndNoPoolExamples()
    {
        using var dir = new SimulationTestDirectory();
        // Enough sessions for 50+ watched explored impressions in one served day (about 0.8 explored per slate, 10% watched).
        var settings = new OnlineLoopSettings { Users = 1_200, Videos = 600, HistoryDays = 3, Days = 2, SwitchDay = 1, WindowDays = 3, RankerDays = 1, Epochs = 1 };
        var world = new SimulatedWorld(settings.World(new SimulationOptions { MeanSessionsPerUserDay = 1.5 }), settings.Start);
        var configuration = new ConfigurationBuilder().Build();
        var baseDir = Path.Combine(dir.Path, "base");
        var runDir = Path.Combine(dir.Path, "run");
        OnlineSimulation.Prepare(configuration, world, settings, baseDir, new Progress<RecEngine.Hosting.ProgressUpdate>(), CancellationToken.None);

        // The second midnight's candidate trains on served day 0 (the newest day is held out for validation).
        var days = await OnlineSimulation.RunAsync("test run", configuration, world, settings, baseDir, runDir, retraining: true, CancellationToken.None);

        using var host = OnlineLoopHost.Build(configuration, runDir, new FakeTimeProvider(new DateTimeOffset(world.Truth.DayStart(settings.HistoryDays + settings.Days))), settings, retraining: true);
        var registry = host.Services.GetRequiredService<ModelRegistry>();
        var first = registry.Get(days[0].ModelVersion)!;
        var candidate = registry.All().OrderBy(m => m.Version, StringComparer.Ordinal).Last();
        // The first model trains on the logging policy's history (no explored impressions): position stays an input.
        Assert.False(first.Metrics.ContainsKey("ranker_position_exponent"), string.Join(", ", first.Metrics.Keys));
        // The retrainer's candidate trains on the served day: examination fitted on its explored impressions (the simulator's hidden exponent is 0.7).
        Assert.True(candidate.Metrics.TryGetValue("ranker_position_exponent", out var exponent), $"{candidate.Version}: {string.Join(", ", candidate.Metrics.Keys)}");
        Assert.InRange(exponent, 0.2, 1.3);
        // Pool examples (newest watches against retrieval's candidates) join the history's impressions, not the served
        // day's, whose watches are mostly of what the serving model chose (Ranking:PoolExamplesOnServedDays, off).
        Assert.True(first.Metrics.TryGetValue("ranker_pool_examples", out var firstPool) && firstPool > 0, $"{first.Version}: {string.Join(", ", first.Metrics)}");
        Assert.Equal(0, candidate.Metrics["ranker_pool_examples"]);
    }

    [GeneratedRegex("^r[0-9a-f]{32}$")]
    private static partial Regex ServedRequestId();
}
