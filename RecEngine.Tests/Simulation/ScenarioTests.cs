using RecEngine.Events;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class ScenarioTests
{
    [Theory]
    [InlineData("none", ScenarioKind.None)]
    [InlineData("taste-shift", ScenarioKind.TasteShift)]
    [InlineData("Device-Shift", ScenarioKind.DeviceShift)]
    [InlineData(" content-flood ", ScenarioKind.ContentFlood)]
    public void ParsesKnownNames(string name, ScenarioKind kind)
    {
        var scenario = Scenario.Parse(name, 3);
        Assert.Equal(kind, scenario.Kind);
        Assert.Equal(3, scenario.SwitchDay);
    }

    [Fact]
    public void UnknownNameIsAClearError()
    {
        var error = Assert.Throws<FormatException>(() => Scenario.Parse("meteor-strike", 3));
        Assert.Contains("meteor-strike", error.Message, StringComparison.Ordinal);
        Assert.Contains("content-flood", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceShiftMovesSessionsToTelevisionsAfterTheSwitchDay()
    {
        var world = TestWorlds.Create(scenario: "device-shift", days: 6);
        var events = TestWorlds.History(world).Where(e => e.Type == EventType.Impression).ToList();
        var before = TvShare(events.Where(e => e.Timestamp < TestWorlds.Start.AddDays(3)));
        var after = TvShare(events.Where(e => e.Timestamp >= TestWorlds.Start.AddDays(3)));
        Assert.True(after > before + 0.15, $"tv share of impressions before {before:0.000}, after {after:0.000}");

        var control = TestWorlds.History(TestWorlds.Create(scenario: "none", days: 6)).Where(e => e.Type == EventType.Impression).ToList();
        var controlAfter = TvShare(control.Where(e => e.Timestamp >= TestWorlds.Start.AddDays(3)));
        Assert.InRange(controlAfter, before - 0.05, before + 0.05);
    }

    [Fact]
    public void ContentFloodBringsANewCategoryOnTheSwitchDay()
    {
        var world = TestWorlds.Create(scenario: "content-flood", days: 6);
        var switchAt = TestWorlds.Start.AddDays(3);
        var flood = world.Videos().Where(v => v.Category == WorldTables.FloodCategory.Name).ToList();
        Assert.True(flood.Count >= 150, $"only {flood.Count} flood videos");
        Assert.All(flood, v => Assert.True(v.UploadedAt >= switchAt, $"{v.Id} uploaded {v.UploadedAt:O} before the switch"));

        var floodIds = flood.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
        var events = TestWorlds.History(world);
        Assert.DoesNotContain(events, e => e.Timestamp < switchAt && floodIds.Contains(e.VideoId));
        Assert.Contains(events, e => e.Type == EventType.Watch && floodIds.Contains(e.VideoId));

        Assert.DoesNotContain(TestWorlds.Create(scenario: "none").Videos(), v => v.Category == WorldTables.FloodCategory.Name);
    }

    [Fact]
    public void TasteShiftRaisesAffinityForTheShiftedTopicAfterTheSwitchDay()
    {
        var world = TestWorlds.Create(scenario: "taste-shift", days: 6);
        var truth = world.Truth;
        var shifted = Enumerable.Range(0, truth.VideoCount).Where(v => truth.Categories[truth.VideoCategory[v]].Name == WorldTables.TasteShiftCategory).ToList();
        var others = Enumerable.Range(0, truth.VideoCount).Except(shifted).Take(200).ToList();
        Assert.NotEmpty(shifted);

        double Mean(IEnumerable<int> videos, int day) =>
            Enumerable.Range(0, 100).SelectMany(u => videos.Select(v => world.Behaviour.Affinity(u, v, day))).Average();

        Assert.True(Mean(shifted, 3) > Mean(shifted, 2) + 0.2, $"shifted topic affinity {Mean(shifted, 2):0.000} -> {Mean(shifted, 3):0.000}");
        Assert.True(Mean(others, 3) < Mean(others, 2) + 0.05, "other topics should not gain");

        // The oracle follows the shift: more of its top videos come from the shifted category.
        int ShareInTop(int day) => Enumerable.Range(0, 50).Sum(u =>
            world.Oracle.Ranking(u, TestWorlds.Start.AddDays(day).AddHours(12), 10).Count(v => truth.Categories[truth.VideoCategory[v]].Name == WorldTables.TasteShiftCategory));
        Assert.True(ShareInTop(3) > 2 * ShareInTop(2), $"oracle top-10 {WorldTables.TasteShiftCategory} videos {ShareInTop(2)} -> {ShareInTop(3)}");
    }

    private static double TvShare(IEnumerable<InteractionEvent> events)
    {
        var list = events.ToList();
        return list.Count(e => e.Device == "tv") / (double)list.Count;
    }
}
