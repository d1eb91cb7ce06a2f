using RecEngine.Events;
using RecEngine.Training.Evaluation;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

public sealed class PerUserSplitTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(14, 2)]
    [InlineData(15, 3)]
    [InlineData(100, 20)]
    public void TheTailIsTwentyPercentRoundedDown(int events, int tail) =>
        Assert.Equal(tail, PerUserTail.TailCount(events, 0.2));

    [Fact]
    public void EachUsersLastFifthIsHeldOutWithTiesBrokenByEventId()
    {
        var videos = Videos(Enumerable.Range(0, 12).Select(i => $"v{i}").ToArray());
        var events = new List<InteractionEvent>();
        // a: 10 events a minute apart, interleaved in time with b's; the last two (v8, v9) are its test set.
        for (var i = 0; i < 10; i++)
        {
            events.Add(Event("a", $"v{i}", i * 10));
        }

        // b: 4 events, too few for a test event: all train.
        for (var i = 0; i < 4; i++)
        {
            events.Add(Event("b", $"v{i}", (i * 10) + 5));
        }

        // c: 5 events, the last two at the same moment: the tie goes by event id, so "c-5" (v5) is the test event.
        events.Add(Event("c", "v0", 1, id: "c-1"));
        events.Add(Event("c", "v1", 2, id: "c-2"));
        events.Add(Event("c", "v2", 3, id: "c-3"));
        events.Add(Event("c", "v5", 50, id: "c-5"));
        events.Add(Event("c", "v4", 50, id: "c-4"));
        var ordered = events.OrderBy(e => e.Timestamp).ToList();

        var split = TemporalSplit.CreatePerUser(ordered, videos);

        Assert.Equal(19 - 3, split.Train.Count);
        Assert.Equal(["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"], split.Train.Where(e => e.UserId == "a").Select(e => e.VideoId));
        Assert.Equal(4, split.Train.Count(e => e.UserId == "b"));
        Assert.Equal(["v0", "v1", "v2", "v4"], split.Train.Where(e => e.UserId == "c").Select(e => e.VideoId));
        Assert.True(split.Train.Zip(split.Train.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp), "training events stay in time order");

        Assert.Equal(["v8", "v9"], split.Targets["a"].Select(v => videos.Ids[v]).Order());
        Assert.Equal(["v5"], split.Targets["c"].Select(v => videos.Ids[v]));
        Assert.False(split.Targets.ContainsKey("b"));
        Assert.Equal(T0.AddMinutes(80), split.CutFor("a"));
        Assert.Equal(T0.AddMinutes(50), split.CutFor("c"));
        Assert.Equal(split.Cut, split.CutFor("b"));
        Assert.Equal(8, split.Histories["a"].Watches);
    }

    [Fact]
    public void EachTargetWeighsItsHeldOutWatchSecondsAndAWatchWithoutSecondsWeighsOne()
    {
        var videos = Videos("v0", "v1", "v2", "v3");
        var ordered = new List<InteractionEvent>
        {
            Event("a", "v0", 0),
            // After the cut: v1 watched twice (60 s each), v2 once for 5 s, v3 with no seconds recorded.
            Event("a", "v1", 10),
            Event("a", "v1", 11),
            Event("a", "v2", 12),
            Event("a", "v3", 13),
            // Not a watch: no weight.
            Event("a", "v0", 14, EventType.Skip),
        };
        ordered[3].WatchSeconds = 5;
        ordered[4].WatchSeconds = 0;

        var split = TemporalSplit.Create(ordered, videos, T0.AddMinutes(5));

        var seconds = split.TargetSeconds["a"].ToDictionary(kv => videos.Ids[kv.Key], kv => kv.Value);
        Assert.Equal(new Dictionary<string, double> { ["v1"] = 120, ["v2"] = 5, ["v3"] = 1 }, seconds);
        Assert.Equal(split.Targets["a"].Order(), split.TargetSeconds["a"].Keys.Order());
    }

    [Fact]
    public void VideosSeenInTrainingAreNeitherTargetsNorCandidates()
    {
        var videos = Videos("v0", "v1", "v2", "v3", "v4");
        var ordered = new[]
        {
            Event("a", "v0", 0),
            Event("a", "v1", 1, EventType.Skip),
            Event("a", "v2", 2, EventType.Impression),
            Event("a", "v3", 3),
            Event("a", "v4", 4),
            // Test part (the last 20% of 10 events): a re-watch of the skipped v1 and a new v2.
            Event("a", "v0", 5, EventType.Impression, id: "x5"),
            Event("a", "v3", 6, EventType.Impression, id: "x6"),
            Event("a", "v4", 7, EventType.Impression, id: "x7"),
            Event("a", "v1", 8),
            Event("a", "v2", 9),
        };

        var split = TemporalSplit.CreatePerUser(ordered, videos);
        var request = split.RequestFor("a", null, videos);

        Assert.Equal(["v2"], split.Targets["a"].Select(v => videos.Ids[v]));
        // Watched and skipped in training are excluded; an impression alone is not.
        Assert.Equal(["v0", "v1", "v3", "v4"], request.Excluded.Select(v => videos.Ids[v]).Order());
        Assert.True(videos.TryGetIndex("v2", out var v2) && request.Allows(v2));
        Assert.Equal(T0.AddMinutes(8), request.Now);
    }

    [Fact]
    public void TheGlobalSplitCutsEveryoneAtOneTime()
    {
        var videos = Videos("v0", "v1", "v2");
        var ordered = new[] { Event("a", "v0", 0), Event("b", "v1", 1), Event("a", "v1", 2), Event("b", "v2", 3) };

        var split = TemporalSplit.Create(ordered, videos, T0.AddMinutes(2));

        Assert.Equal(2, split.Train.Count);
        Assert.Equal(["v1"], split.Targets["a"].Select(v => videos.Ids[v]));
        Assert.Equal(["v2"], split.Targets["b"].Select(v => videos.Ids[v]));
        Assert.Equal(T0.AddMinutes(2), split.CutFor("a"));
    }
}
