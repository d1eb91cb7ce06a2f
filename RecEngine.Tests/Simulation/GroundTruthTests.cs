using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class GroundTruthTests
{
    [Fact]
    public void IdsMapBackToIndicesAndLookAlikesAreRejected()
    {
        var truth = TestWorlds.Default.World.Truth;
        Assert.Equal(7, truth.VideoIndex("v7"));
        Assert.Equal(7, truth.UserIndex("u7"));
        Assert.Equal(-1, truth.VideoIndex("v007"));
        Assert.Equal(-1, truth.VideoIndex("u7"));
        Assert.Equal(-1, truth.VideoIndex($"v{truth.VideoCount}"));
    }

    [Fact]
    public void VideosAreNumberedInUploadOrderSoAvailabilityIsAPrefix()
    {
        var truth = TestWorlds.Default.World.Truth;
        for (var v = 1; v < truth.VideoCount; v++)
        {
            Assert.True(truth.UploadDay[v - 1] <= truth.UploadDay[v], $"video {v} uploaded before video {v - 1}");
        }

        var at = TestWorlds.Start.AddDays(2);
        var available = truth.AvailableAt(at);
        Assert.InRange(available, 1, truth.VideoCount - 1);
        Assert.True(truth.UploadedAt(available - 1) < at && truth.UploadedAt(available) >= at);
        Assert.True(truth.AvailableAtDayStart[0] > truth.VideoCount / 2, "most videos predate day 0");
    }

    [Fact]
    public void DurationsFollowTheirCategoryAndActivityIsHeavyTailed()
    {
        var world = TestWorlds.Create(users: 3000, videos: 6000, days: 1);
        var truth = world.Truth;
        var byCategory = Enumerable.Range(0, truth.VideoCount).GroupBy(v => truth.Categories[truth.VideoCategory[v]].Name)
            .ToDictionary(g => g.Key, g => g.Select(v => (double)truth.DurationSeconds[v]).Order().ToList());
        Assert.InRange(byCategory["music"][byCategory["music"].Count / 2], 200, 290);
        Assert.True(byCategory["film"][byCategory["film"].Count / 2] > 4 * byCategory["pets"][byCategory["pets"].Count / 2]);

        var activity = truth.Activity.Select(a => (double)a).Order().ToList();
        var mean = activity.Average();
        Assert.InRange(mean, 1.5 * 0.85, 1.5 * 1.15);
        Assert.True(activity[activity.Count / 2] < 0.7 * mean, "median activity should sit well below the mean");
        Assert.True(activity[^(activity.Count / 100)] > 4 * mean, "the top 1% should be several times the mean");
    }
}
