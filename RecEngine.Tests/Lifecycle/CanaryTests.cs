using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Events;
using RecEngine.Lifecycle;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>Canaries: a candidate served to a share of users, then promoted or rejected by watch time per slate.</summary>
public sealed class CanaryTests
{
    [Fact]
    public void AssignmentTakesTheShareOfUsersStablyAndAnotherSliceForEachVersion()
    {
        var users = Enumerable.Range(0, 20_000).Select(i => "u" + i).ToList();
        var first = users.Where(u => CanaryAssignment.Includes("v20260101-000000-000", u, 0.2)).ToHashSet();

        Assert.InRange(first.Count / (double)users.Count, 0.19, 0.21);
        Assert.All(first, u => Assert.True(CanaryAssignment.Includes("v20260101-000000-000", u, 0.2)));
        // A larger share keeps the users of a smaller one.
        Assert.Subset(users.Where(u => CanaryAssignment.Includes("v20260101-000000-000", u, 0.3)).ToHashSet(), first);
        Assert.DoesNotContain(users, u => CanaryAssignment.Includes("v20260101-000000-000", u, 0));
        // The next version's canary takes an independent slice: about a fifth of the first one's users again.
        var second = users.Where(u => CanaryAssignment.Includes("v20260102-000000-000", u, 0.2)).ToHashSet();
        Assert.InRange(first.Intersect(second).Count() / (double)first.Count, 0.16, 0.24);
    }

    [Fact]
    public void TheComparisonCreditsEachSlateWithTheWatchSecondsOfItsRequestId()
    {
        var at = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var events = new List<InteractionEvent>
        {
            Impression("r1", "canary", 0), Impression("r1", "canary", 1), Impression("r2", "canary", 0),
            Impression("r3", "serving", 0), Impression("r4", "serving", 0), Impression("r5", "serving", 0),
            Impression("r6", null, 0), // a popularity slate: in neither arm
            Watched("r1", EventType.Watch, 100), Watched("r1", EventType.Skip, 20), // r2: shown, nothing watched
            Watched("r3", EventType.Watch, 50), Watched("r4", EventType.Watch, 30), Watched("r5", EventType.Watch, 10),
            Watched("r6", EventType.Watch, 999), Watched(null, EventType.Watch, 999), Watched("r-unknown", EventType.Watch, 999),
        };

        var c = CanaryComparison.Measure(events, "canary");

        Assert.Equal(new CanaryArm(2, 60, 7200), c.Canary);
        Assert.Equal(new CanaryArm(3, 30, 400), c.Serving);
        Assert.Equal(1.0, c.Lift, 12);
        // Delta method: var(c)/n_c/s^2 + c^2 var(s)/n_s/s^4 = 7200/2/900 + 3600*400/3/810000.
        Assert.Equal(Math.Sqrt(4 + (3600.0 * 400 / 3 / 810_000)), c.LiftStandardError, 12);
        Assert.Contains("60.0 on 2 canary slates vs 30.0 on 3 serving slates, lift +100.0%", c.Describe(), StringComparison.Ordinal);

        InteractionEvent Impression(string request, string? version, int position) => new()
        {
            EventId = $"{request}:{position}", UserId = "u1", VideoId = "v" + position, Type = EventType.Impression, Timestamp = at,
            RequestId = request, Position = position, ModelVersion = version,
        };

        InteractionEvent Watched(string? request, EventType type, double seconds) => new()
        {
            EventId = Guid.NewGuid().ToString("N"), UserId = "u1", VideoId = "v0", Type = type, WatchSeconds = seconds, Timestamp = at.AddMinutes(1), RequestId = request,
        };
    }

    /// <summary>
    /// The canary's users get its version and everyone else the serving one; promoting the canary moves its snapshot
    /// over (requests keep succeeding, so it was not disposed), and promoting another version stops it.
    /// </summary>
    [Fact]
    public async Task ACanaryServesItsShareOfUsersAndPromotingOrStoppingItFailsNoRequest()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var a = LifecycleWorld.TrainAndPromote(factory.Services);
        var b = LifecycleWorld.TrainAndPromote(factory.Services);
        var loader = factory.Services.GetRequiredService<ServingLoader>();
        var state = factory.Services.GetRequiredService<ServingState>();
        var users = Enumerable.Range(1, 40).Select(i => "u" + i).ToList();

        state.StartCanary(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", a)), 0.5, DateTime.UtcNow);
        Assert.Equal(a, state.Canary?.Version);
        var versions = new List<string>();
        foreach (var user in users)
        {
            var version = await VersionServedAsync(client, user);
            Assert.Equal(CanaryAssignment.Includes(a, user, 0.5) ? a : b, version);
            versions.Add(version);
        }

        Assert.Contains(a, versions);
        Assert.Contains(b, versions);

        // Promote the canary's own snapshot: every user gets it, and it still answers.
        Assert.Equal(a, state.PromoteCanary());

        Assert.Null(state.Canary);
        foreach (var user in users.Take(10))
        {
            Assert.Equal(a, await VersionServedAsync(client, user));
        }

        // A canary of b, then another version promoted: the canary stops and says which it was.
        state.StartCanary(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", b)), 0.5, DateTime.UtcNow);
        Assert.Equal(b, state.Publish(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", a))));
        Assert.Null(state.Canary);
        foreach (var user in users.Take(10))
        {
            Assert.Equal(a, await VersionServedAsync(client, user));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheNextRetrainingPromotesTheCanaryOnlyIfItsSlatesAreWatchedAsMuch(bool canaryWatchedMore)
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Canary:Share"] = "0.5",
            ["RecEngine:Lifecycle:Canary:MinSlates"] = "5",
            // Held-out validation is recorded, not deciding: even one no candidate can pass sends it to the canary.
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = "Absolute",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = "-1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);
        var retrainer = factory.Services.GetRequiredService<IRetrainer>();
        var state = factory.Services.GetRequiredService<ServingState>();
        var registry = factory.Services.GetRequiredService<ModelRegistry>();

        var started = await retrainer.RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);

        Assert.True(started.Canary && !started.Promoted, started.Reason);
        var canary = started.Version!;
        Assert.Equal(canary, state.Canary?.Version);
        Assert.Equal(serving, state.Current?.Version);
        var record = registry.Get(canary)!;
        Assert.True(record.Status == ModelStatus.Candidate && record.CanaryStartedAt is not null, $"{record.Status} {record.Reason}");
        Assert.StartsWith("serving a canary to 50% of users; held-out validation (recorded, the canary decides): worse than serving beyond the absolute tolerance -1", record.Reason, StringComparison.Ordinal);
        using (var listed = JsonDocument.Parse(await client.GetStringAsync("/v1/models")))
        {
            Assert.Equal(canary, listed.RootElement.GetProperty("canary").GetProperty("version").GetString());
        }

        // Each user gets one slate and watches its first video: 3 s from the canary's slates and 1 s from serving's,
        // or the other way round.
        var events = factory.Services.GetRequiredService<EventStore>();
        var slates = 0;
        for (var i = 1; i <= 40; i++)
        {
            using var slate = JsonDocument.Parse(await client.GetStringAsync($"/v1/recommendations/u{i}?k=5"));
            var root = slate.RootElement;
            var fromCanary = root.GetProperty("model_version").GetString() == canary;
            var watch = await client.PostAsJsonAsync("/v1/events", new
            {
                event_id = $"canary-watch-{i}",
                user_id = $"u{i}",
                video_id = root.GetProperty("videos")[0].GetProperty("video_id").GetString(),
                type = "watch",
                watch_seconds = fromCanary == canaryWatchedMore ? 3.0 : 1.0,
                timestamp = DateTime.UtcNow,
                request_id = root.GetProperty("request_id").GetString(),
                position = 0,
            });
            await HttpAssert.StatusAsync(HttpStatusCode.OK, watch);
            slates++;
        }

        await WaitForSlatesAsync(events, slates);

        var decided = await retrainer.RetrainAsync("test", DateTime.UtcNow.AddSeconds(1), CancellationToken.None);

        var concluded = decided.Concluded;
        Assert.NotNull(concluded);
        Assert.Equal(canary, concluded.Version);
        Assert.Equal(canaryWatchedMore, concluded.Promoted);
        Assert.Equal(canaryWatchedMore, decided.ChangedServing);
        record = registry.Get(canary)!;
        Assert.Equal(canaryWatchedMore ? ModelStatus.Serving : ModelStatus.Rejected, record.Status);
        Assert.Equal(canaryWatchedMore ? canary : serving, state.Current?.Version);
        Assert.StartsWith(canaryWatchedMore ? $"canary not worse than serving {serving}" : $"canary worse than serving {serving}", record.Reason, StringComparison.Ordinal);
        var validation = record.Validation!;
        Assert.Equal(CanaryComparison.Metric, validation.Metric);
        Assert.Equal(canaryWatchedMore ? 3.0 : 1.0, validation.CandidateValue, 9);
        Assert.Equal(canaryWatchedMore ? 1.0 : 3.0, validation.BaselineValue, 9);
        Assert.Equal(slates, (int)(record.Metrics["canary_slates"] + record.Metrics["canary_serving_slates"]));
        Assert.Equal(canaryWatchedMore, validation.Passed);
    }

    /// <summary>Clients that send no request id leave the canary without evidence: the held-out verdict decides.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutWatchesJoinedToSlatesTheHeldOutVerdictDecidesTheCanary(bool heldOutPasses)
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Canary:Share"] = "0.5",
            ["RecEngine:Lifecycle:Canary:MinSlates"] = "5",
            // Relative 1 passes any candidate; absolute -1 none.
            ["RecEngine:Lifecycle:Validation:ToleranceMode"] = heldOutPasses ? "Relative" : "Absolute",
            ["RecEngine:Lifecycle:Validation:Tolerance"] = heldOutPasses ? "1" : "-1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var serving = LifecycleWorld.TrainAndPromote(factory.Services);
        var retrainer = factory.Services.GetRequiredService<IRetrainer>();
        var canary = (await retrainer.RetrainAsync("test", DateTime.UtcNow, CancellationToken.None)).Version!;
        var events = factory.Services.GetRequiredService<EventStore>();
        for (var i = 1; i <= 30; i++)
        {
            await VersionServedAsync(client, "u" + i);
        }

        await WaitForSlatesAsync(events, 30);

        var decided = await retrainer.RetrainAsync("test", DateTime.UtcNow.AddSeconds(1), CancellationToken.None);

        var concluded = decided.Concluded!;
        Assert.Equal(canary, concluded.Version);
        Assert.Equal(heldOutPasses, concluded.Promoted);
        Assert.Contains("no watch joined to a slate of either side", concluded.Reason, StringComparison.Ordinal);
        Assert.Contains(heldOutPasses ? ", passed" : ", failed", concluded.Reason, StringComparison.Ordinal);
        Assert.Equal(heldOutPasses ? canary : serving, factory.Services.GetRequiredService<ServingState>().Current?.Version);
        Assert.Equal(heldOutPasses ? ModelStatus.Serving : ModelStatus.Rejected, factory.Services.GetRequiredService<ModelRegistry>().Get(canary)!.Status);
    }

    /// <summary>The impression log is written in the background: waits until it holds <paramref name="count"/> slates.</summary>
    private static async Task WaitForSlatesAsync(EventStore events, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Slates.Count() < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    private static async Task<string> VersionServedAsync(HttpClient client, string user)
    {
        using var response = await client.GetAsync($"/v1/recommendations/{user}?k=5");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var slate = JsonDocument.Parse(body);
        return slate.RootElement.GetProperty("model_version").GetString()!;
    }
}
