using RecEngine.Simulation.Online;

namespace RecEngine.Tests.Simulation;

public sealed class SimulationResultTests
{
    private static SimulatedDay Day(int day, double observed, double expected) =>
        new(day, 100, 1000, observed, expected, 0.5, 0, 0, "v1", false, null);

    [Fact]
    public void RatiosAreExpectedWatchTimeFromTwoDaysAfterTheSwitchOverTheDaysBefore()
    {
        // Days 0-2 before the switch at 3 average 100; days 3-4 are the recovery the goal allows and do not count;
        // days 5-6 average 95. Observed values are noise and must not enter.
        double[] expected = [90, 100, 110, 40, 70, 90, 100];
        var days = expected.Select((e, i) => Day(i, observed: 5_000 - (i * 700), e)).ToList();
        var flat = expected.Select((_, i) => Day(i, observed: 1, 50)).ToList();

        var result = new SimulationResult("taste-shift", 3, days, flat);

        Assert.Equal(0.95, result.RecoveredRatio, 1e-12);
        Assert.Equal(1.0, result.StaticRatio, 1e-12);
    }

    [Fact]
    public void DaySevenRetentionIsTheCohortShareOfDaySevenAndNeedsEightDays()
    {
        var days = Enumerable.Range(0, 9).Select(i => Day(i, 1, 100) with { CohortActiveShare = 1 - (0.05 * i) }).ToList();
        var kept = Enumerable.Range(0, 9).Select(i => Day(i, 1, 100) with { CohortActiveShare = 1 - (0.08 * i) }).ToList();

        var result = new SimulationResult("none", 3, days, kept);

        Assert.Equal(0.65, result.Day7Retention!.Value, 1e-12);
        Assert.Equal(0.44, result.StaticDay7Retention!.Value, 1e-12);
        Assert.Null(new SimulationResult("none", 3, days.Take(7).ToList(), kept.Take(7).ToList()).Day7Retention);
    }

    [Fact]
    public void TheRetentionMarginPairsTheTwoRunsUserByUserOverDayZerosCohort()
    {
        // Day 0: u0-u9 in both runs. Day 7: the retraining run keeps u0-u5, the static run u0-u2 and u6, and a user
        // outside the cohort (u99) is active in both but is no one's retention. Per user: +1 for u3, u4, u5, -1 for
        // u6, 0 for the rest: mean 0.2, sample variance (4 - 10 x 0.04) / 9 = 0.4.
        static HashSet<string> Users(params int[] ids) => ids.Select(i => $"u{i}").ToHashSet(StringComparer.Ordinal);
        List<SimulatedDay> Run(HashSet<string> seventh) => Enumerable.Range(0, 8)
            .Select(i => Day(i, 1, 100) with { ActiveUserIds = i == 0 ? Users([.. Enumerable.Range(0, 10)]) : i == 7 ? seventh : Users(99) })
            .ToList();

        var result = new SimulationResult("none", 3, Run(Users(0, 1, 2, 3, 4, 5, 99)), Run(Users(0, 1, 2, 6, 99)));

        var margin = result.Day7RetentionMargin!;
        Assert.Equal(10, margin.Users);
        Assert.Equal(0.2, margin.Mean, 1e-12);
        Assert.Equal(Math.Sqrt(0.4 / 10), margin.StandardError, 1e-12);
        Assert.Null(new SimulationResult("none", 3, Run(Users(0)).Take(7).ToList(), Run(Users(0)).Take(7).ToList()).Day7RetentionMargin);
    }

    [Fact]
    public void ASwitchTooLateForTheRecoveryDaysMeasuresTheLastDay()
    {
        var days = new[] { Day(0, 1, 200), Day(1, 1, 100), Day(2, 1, 150) };

        Assert.Equal(0.75, SimulationResult.Ratio(days, switchDay: 1), 1e-12);
        Assert.Equal(0, SimulationResult.Ratio([Day(0, 1, 0), Day(1, 1, 10)], switchDay: 1));
    }
}
