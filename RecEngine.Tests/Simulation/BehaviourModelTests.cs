using RecEngine.Events;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class BehaviourModelTests
{
    private const int Draws = 4000;

    [Fact]
    public void HighAffinityVideosAreWatchedMoreThanLowAffinity()
    {
        var world = TestWorlds.Create();
        var truth = world.Truth;
        const int user = 3;
        var available = truth.AvailableAtDayStart[1];
        var byAffinity = Enumerable.Range(0, available).OrderBy(v => world.Behaviour.Affinity(user, v, 1)).ToList();
        var low = byAffinity.Take(20).ToArray();
        var high = byAffinity.TakeLast(20).ToArray();

        var (lowWatchRate, lowSeconds) = WatchStats(world, user, low);
        var (highWatchRate, highSeconds) = WatchStats(world, user, high);

        Assert.True(highWatchRate > 2 * lowWatchRate, $"watch rate high-affinity {highWatchRate:0.000} vs low {lowWatchRate:0.000}");
        Assert.True(highSeconds > lowSeconds, $"mean watch seconds high {highSeconds:0.0} vs low {lowSeconds:0.0}");
    }

    [Fact]
    public void TopPositionsAreClickedMoreOften()
    {
        var world = TestWorlds.Create();
        const int user = 5;
        var slate = Enumerable.Range(0, 8).ToArray();
        var target = slate[0];
        var moved = slate.Skip(1).Take(5).Append(target).Concat(slate.Skip(6)).ToArray();
        Assert.Equal(5, Array.IndexOf(moved, target));

        var top = ClickRate(world, user, slate, target);
        var lower = ClickRate(world, user, moved, target);

        var expectedRatio = BehaviourModel.Examination(0) / BehaviourModel.Examination(5);
        Assert.True(top > 1.5 * lower, $"click rate at position 0 {top:0.000} vs position 5 {lower:0.000}");
        Assert.InRange(top / lower, expectedRatio * 0.7, expectedRatio * 1.3);
    }

    [Fact]
    public void WatchSecondsAreNeverNegativeNorBeyondTheDuration()
    {
        var (world, events) = TestWorlds.Default;
        var watched = events.Where(e => e.Type is EventType.Watch or EventType.Skip).ToList();
        Assert.True(watched.Count > 200, $"only {watched.Count} watch events");
        Assert.All(watched, e =>
        {
            var duration = world.Truth.DurationSeconds[world.Truth.VideoIndex(e.VideoId)];
            Assert.InRange(e.WatchSeconds, 0, duration);
        });
        Assert.All(events.Where(e => e.Type is not (EventType.Watch or EventType.Skip)), e => Assert.Equal(0, e.WatchSeconds));
    }

    [Fact]
    public void SlateEventsCarryRequestPositionAndContext()
    {
        var (world, events) = TestWorlds.Default;
        Assert.All(events, e =>
        {
            Assert.NotNull(e.RequestId);
            Assert.InRange(e.Position ?? -1, 0, world.Truth.Options.SlateSize - 1);
            Assert.Contains(e.Device, RecEngine.Catalog.User.Devices);
            Assert.InRange(e.Hour, 0, 23);
            Assert.True(e.Timestamp >= TestWorlds.Start && e.Timestamp < TestWorlds.Start.AddDays(world.Truth.Days), $"timestamp {e.Timestamp:O} outside the world");
            Assert.True(world.Truth.UploadedAt(world.Truth.VideoIndex(e.VideoId)) <= e.Timestamp, "a video was shown before its upload");
        });
        var types = events.Select(e => e.Type).ToHashSet();
        foreach (var type in Enum.GetValues<EventType>())
        {
            Assert.Contains(type, types);
        }
    }

    [Fact]
    public void OracleExpectationMatchesSimulatedWatchTime()
    {
        var world = TestWorlds.Create();
        const int user = 9;
        var at = TestWorlds.Start.AddDays(2).AddHours(20);
        var slate = world.Oracle.Ranking(user, at, 8);
        var device = world.Truth.PrimaryDevice[user];
        var expected = world.Oracle.ExpectedSlateWatchSeconds(user, slate, at, device);

        var total = 0.0;
        for (var i = 0; i < Draws; i++)
        {
            total += Respond(world, user, slate, i, at, device).Sum(e => e.WatchSeconds);
        }

        var simulated = total / Draws;
        Assert.InRange(simulated, expected * 0.85, expected * 1.15);
    }

    [Fact]
    public void OracleRankingBeatsRandomSlates()
    {
        var world = TestWorlds.Create();
        var at = TestWorlds.Start.AddDays(3).AddHours(12);
        var rng = new SimRandom(99);
        for (var user = 0; user < 20; user++)
        {
            var best = world.Oracle.Ranking(user, at, 8);
            var scores = best.Select(v => world.Oracle.ExpectedWatchSeconds(user, v, at, world.Truth.PrimaryDevice[user])).ToList();
            Assert.Equal(scores.OrderByDescending(s => s), scores);
            var available = world.Truth.AvailableAt(at);
            var random = Enumerable.Range(0, 8).Select(_ => rng.NextInt(available)).ToArray();
            Assert.True(world.Oracle.ExpectedSlateWatchSeconds(user, best, at) > world.Oracle.ExpectedSlateWatchSeconds(user, random, at));
        }
    }

    private static (double WatchRate, double MeanSeconds) WatchStats(SimulatedWorld world, int user, int[] videos)
    {
        int watches = 0;
        var seconds = 0.0;
        var at = TestWorlds.Start.AddDays(1).AddHours(19);
        for (var i = 0; i < Draws; i++)
        {
            var events = Respond(world, user, [videos[i % videos.Length]], i, at, 0);
            watches += events.Count(e => e.Type == EventType.Watch);
            seconds += events.Sum(e => e.WatchSeconds);
        }

        return (watches / (double)Draws, seconds / Draws);
    }

    private static double ClickRate(SimulatedWorld world, int user, int[] slate, int target)
    {
        var clicks = 0;
        var at = TestWorlds.Start.AddDays(1).AddHours(19);
        for (var i = 0; i < Draws; i++)
        {
            clicks += Respond(world, user, slate, i, at, 0).Count(e => e.Type == EventType.Click && e.VideoId == world.Truth.VideoIds[target]);
        }

        return clicks / (double)Draws;
    }

    private static List<InteractionEvent> Respond(SimulatedWorld world, int user, int[] slate, int draw, DateTime at, int device)
    {
        var output = new List<InteractionEvent>();
        var counter = 0;
        var day = (int)(at - TestWorlds.Start).TotalDays;
        world.Behaviour.Respond(user, slate, new SlateContext(day, at, device, 19, $"r{draw}"), new SimRandom((ulong)draw + 1), output, ref counter);
        return output;
    }
}
