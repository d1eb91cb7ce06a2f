using RecEngine.Events;

namespace RecEngine.Tests.Simulation;

public sealed class DeterminismTests
{
    [Fact]
    public void SameSeedGivesIdenticalWorldAndEvents()
    {
        var (first, history) = TestWorlds.Default;
        var second = TestWorlds.Create(seed: TestWorlds.DefaultSeed);

        Assert.Equal(first.Truth.UserTaste, second.Truth.UserTaste);
        Assert.Equal(first.Videos().Select(Describe), second.Videos().Select(Describe));
        var a = history.Select(Describe).ToList();
        var b = TestWorlds.History(second).Select(Describe).ToList();
        Assert.True(a.Count > 1000, $"expected a real history, got {a.Count} events");
        Assert.Equal(a, b);
    }

    [Fact]
    public void DifferentSeedGivesDifferentEvents()
    {
        var a = TestWorlds.Default.Events.Select(Describe).ToList();
        var b = TestWorlds.History(TestWorlds.Create(seed: 12)).Select(Describe).ToList();
        Assert.NotEqual(a, b);
        var shared = a.Intersect(b).Count();
        Assert.True(shared < a.Count / 10, $"{shared} of {a.Count} events identical across seeds");
    }

    [Fact]
    public void EventIdsAreUniqueAndDeterministicInForm()
    {
        var events = TestWorlds.Default.Events;
        Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct(StringComparer.Ordinal).Count());
        // Impressions of a slate carry the serving pipeline's form, {request_id}:{position}; everything else e{day}-{user}-{n}.
        Assert.All(events, e => Assert.Matches(
            e.Type == EventType.Impression && e.RequestId is not null ? $"^{System.Text.RegularExpressions.Regex.Escape(e.RequestId)}:{e.Position}$" : @"^e\d+-\d+-\d+$",
            e.EventId));
        Assert.Contains(events, e => e.Type == EventType.Impression && e.RequestId is not null);
    }

    private static string Describe(InteractionEvent e) =>
        $"{e.EventId}|{e.UserId}|{e.VideoId}|{e.Type}|{e.WatchSeconds:R}|{e.Timestamp:O}|{e.Device}|{e.Hour}|{e.RequestId}|{e.Position}";

    private static string Describe(RecEngine.Catalog.Video v) =>
        $"{v.Id}|{v.Title}|{v.Category}|{string.Join(',', v.Tags)}|{v.CreatorId}|{v.DurationSeconds:R}|{v.UploadedAt:O}";
}
