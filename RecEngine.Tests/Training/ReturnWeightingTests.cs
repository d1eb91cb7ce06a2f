using RecEngine.Events;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

public sealed class ReturnWeightingTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AWatchFollowedByALaterSessionWithinADayCountsMore()
    {
        var events = new List<InteractionEvent>
        {
            Event("back", T0), Event("back", T0.AddHours(5)),               // returns 5 h later
            Event("same", T0), Event("same", T0.AddMinutes(10)),            // same session only
            Event("late", T0), Event("late", T0.AddHours(30)),              // returns, but after the horizon
            Event("skipper", T0), Event("skipper", T0.AddHours(2)),         // returns, but did not watch
        };
        var data = Dataset(
            ("back", T0, true, 100f),
            ("same", T0, true, 100f),
            ("late", T0, true, 100f),
            ("skipper", T0, false, 0f));

        var rate = ReturnWeighting.Apply(data, events, windowEnd: T0.AddDays(3), weight: 1.0);

        Assert.Equal(1 / 3.0, rate, 9);
        Assert.Equal([200f, 100f, 100f, 0f], data.WatchSeconds);
        Assert.Equal([1f, 1f, 1f, 0f], data.Watched); // labels are untouched: only the watch-time weights move
    }

    [Fact]
    public void AWatchTooCloseToTheWindowsEndTakesTheMeanReturnRate()
    {
        var events = new List<InteractionEvent>
        {
            Event("a", T0), Event("a", T0.AddHours(3)),
            Event("b", T0),
            Event("new", T0.AddHours(40)),
        };
        var data = Dataset(("a", T0, true, 10f), ("b", T0, true, 10f), ("new", T0.AddHours(40), true, 10f));

        var rate = ReturnWeighting.Apply(data, events, windowEnd: T0.AddHours(48), weight: 2.0);

        Assert.Equal(0.5, rate, 9);
        Assert.Equal(30f, data.WatchSeconds[0]);
        Assert.Equal(10f, data.WatchSeconds[1]);
        Assert.Equal(20f, data.WatchSeconds[2], 4); // 10 x (1 + 2 x 0.5): unknown, so the others' rate
    }

    [Fact]
    public void WeightZeroChangesNothingAndANegativeWeightIsRefused()
    {
        var events = new List<InteractionEvent> { Event("a", T0), Event("a", T0.AddHours(3)) };
        var data = Dataset(("a", T0, true, 10f));
        Assert.Equal(1.0, ReturnWeighting.Apply(data, events, T0.AddDays(2), weight: 0));
        Assert.Equal(10f, data.WatchSeconds[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReturnWeighting.Apply(data, events, T0.AddDays(2), weight: -1));
    }

    private static InteractionEvent Event(string user, DateTime at) =>
        new() { EventId = $"{user}-{at.Ticks}", UserId = user, VideoId = "v1", Type = EventType.Impression, Timestamp = at };

    private static RankerDataset Dataset(params (string User, DateTime At, bool Watched, float Seconds)[] rows)
    {
        var data = new RankerDataset();
        foreach (var (user, at, watched, seconds) in rows)
        {
            data.Users.Add(user);
            data.Impressions.Add((at, 0, null));
            data.Watched.Add(watched ? 1 : 0);
            data.WatchSeconds.Add(seconds);
        }

        return data;
    }
}
