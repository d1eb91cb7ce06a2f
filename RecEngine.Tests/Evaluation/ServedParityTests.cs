using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;

namespace RecEngine.Tests.Evaluation;

/// <summary>
/// The offline harness scores what serves: for a sample of users, the slate <see cref="SlateReplay"/> computes (the
/// stages <c>evaluate</c>, held-out validation and the first-model gate run) equals what
/// <c>GET /v1/recommendations</c> answers with exploration off, video for video and in order.
/// </summary>
public sealed class ServedParityTests
{
    [Fact]
    public async Task ReplayedSlatesEqualWhatTheApiAnswers()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Serving:ExplorationShare"] = "0",
            ["RecEngine:Serving:LogImpressions"] = "false",
        }), time);
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var client = factory.CreateClient();
        var services = factory.Services;
        LifecycleWorld.TrainAndPromote(services);

        var users = services.GetRequiredService<EventStore>().InWindow(DateTime.MinValue, DateTime.MaxValue)
            .Where(e => e.Type == EventType.Watch).Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal).Take(25).ToList();
        Assert.Equal(25, users.Count);
        var replay = new SlateReplay(services.GetRequiredService<IOptions<ServingOptions>>().Value);
        var cache = services.GetRequiredService<UserFeatureCache>();
        var catalog = services.GetRequiredService<CatalogIndex>();
        var now = time.GetUtcNow().UtcDateTime;
        var expected = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            Assert.True(catalog.UserExists(user), user);
            using var lease = services.GetRequiredService<ServingState>().Acquire(user)!;
            var slate = replay.Run(lease.Snapshot, cache.Get(user), now, 10);
            expected[user] = [.. SlateReplay.VideoIndexes(slate).Select(v => lease.Snapshot.Videos.Ids[v])];
        }

        foreach (var user in users)
        {
            var answer = await client.GetFromJsonAsync<Recommendations>($"/v1/recommendations/{user}?k=10", TestJson.Options);
            Assert.NotNull(answer);
            Assert.False(answer.Degraded, answer.DegradedReason);
            Assert.Equal(10, expected[user].Count);
            Assert.Equal(expected[user], answer.Videos.Select(v => v.VideoId).ToList());
        }
    }
}
