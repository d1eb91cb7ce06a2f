using RecEngine.Events;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class RetentionTests
{
    [Fact]
    public void SatisfactionAboveTheReferenceRaisesTheVisitRateAndBelowLowersIt()
    {
        var rates = new VisitRates(3, new RetentionSettings { Sensitivity = 0.5, Memory = 0.2, Reference = 0.5 });
        Day(rates, (0, 3.0, 2), (1, 0.0, 2), (2, 0.0, 0)); // 1.5 a session; 0; no visit: no change

        Assert.Equal(Math.Exp(0.5 * (1.5 - 0.5)), rates.Multiplier(0), 9);
        Assert.Equal(Math.Exp(0.5 * (0 - 0.5)), rates.Multiplier(1), 9);
        Assert.Equal(1.0, rates.Multiplier(2));

        // Memory: a neutral day keeps 80% of the log change; a day without sessions keeps all of it.
        Day(rates, (0, 0.5, 1));
        Assert.Equal(Math.Exp(0.8 * 0.5), rates.Multiplier(0), 9);
        Assert.Equal(Math.Exp(0.5 * (0 - 0.5)), rates.Multiplier(1), 9);
    }

    [Fact]
    public void WithoutAReferenceTheFirstDaysMeanIsTheReference()
    {
        var rates = new VisitRates(2, new RetentionSettings { Sensitivity = 1, Memory = 0 });
        Day(rates, (0, 3.0, 1), (1, 1.0, 1));

        Assert.Equal(2.0, rates.Reference!.Value, 12);
        Assert.Equal(Math.Exp(1.0), rates.Multiplier(0), 9);
        Assert.Equal(Math.Exp(-1.0), rates.Multiplier(1), 9);
        Day(rates, (0, 5.0, 1));
        Assert.Equal(2.0, rates.Reference!.Value, 12);
    }

    [Fact]
    public void SatisfactionIsTheLogOfOnePlusMinutesWatched()
    {
        Assert.Equal(0, VisitRates.Satisfaction(0));
        Assert.Equal(Math.Log(2), VisitRates.Satisfaction(60), 12);
        Assert.True(VisitRates.Satisfaction(3600) - VisitRates.Satisfaction(1800) < VisitRates.Satisfaction(1800) - VisitRates.Satisfaction(0));
    }

    [Fact]
    public void TheVisitRateStaysWithinItsBoundsAndSensitivityZeroTurnsRetentionOff()
    {
        var rates = new VisitRates(2, new RetentionSettings { Sensitivity = 5, Memory = 0, Reference = 0.5 });
        var off = new VisitRates(1, new RetentionSettings { Sensitivity = 0 });
        for (var day = 0; day < 30; day++)
        {
            Day(rates, (0, 8, 1), (1, 0, 1));
            Day(off, (0, 8, 1));
        }

        Assert.Equal(VisitRates.Ceiling, rates.Multiplier(0), 9);
        Assert.Equal(VisitRates.Floor, rates.Multiplier(1), 9);
        Assert.Equal(1.0, off.Multiplier(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisitRates(1, new RetentionSettings { Memory = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisitRates(1, new RetentionSettings { Reference = -1 }));
    }

    private static void Day(VisitRates rates, params (int User, double Satisfaction, int Sessions)[] users)
    {
        rates.BeginDay();
        foreach (var (user, satisfaction, sessions) in users)
        {
            rates.Record(user, satisfaction, sessions);
        }

        rates.EndDay();
    }

    [Fact]
    public void UsersServedSatisfyingSlatesComeBackMoreThanUsersServedPoorOnes()
    {
        var world = TestWorlds.Create(users: 300, videos: 600, days: 12);
        var good = ActiveUsersPerDay(world, new ByAffinity(world, best: true));
        var poor = ActiveUsersPerDay(world, new ByAffinity(world, best: false));

        // The same random streams: day 0 differs only through the slates; later days through the visit rates too.
        var goodLate = good.Skip(6).Average();
        var poorLate = poor.Skip(6).Average();
        Assert.True(goodLate > 1.3 * poorLate, $"active users on days 6-11: good slates {goodLate:0.0}, poor slates {poorLate:0.0}");
        Assert.True(good[0] <= 1.1 * poor[0] && poor[0] <= 1.1 * good[0], $"day 0 differs already: {good[0]} against {poor[0]}");
    }

    [Fact]
    public void WithoutVisitRatesTheHistoryIsUnchanged()
    {
        var world = TestWorlds.Create(users: 100, videos: 300, days: 2);
        var policy = new ByAffinity(world, best: true);
        var plain = new HistoryGenerator(world.Truth, world.Behaviour, policy).GenerateDay(1);
        var neutral = new HistoryGenerator(world.Truth, world.Behaviour, policy, new VisitRates(world.Truth.UserCount, new RetentionSettings { Sensitivity = 0 })).GenerateDay(1);
        Assert.Equal(plain.Select(e => (e.EventId, e.VideoId, e.Type)), neutral.Select(e => (e.EventId, e.VideoId, e.Type)));
    }

    private static List<int> ActiveUsersPerDay(SimulatedWorld world, ISlatePolicy policy)
    {
        // A fixed reference: both policies are measured against the same satisfaction.
        var rates = new VisitRates(world.Truth.UserCount, new RetentionSettings { Sensitivity = 1.0, Memory = 0.2, Reference = 2.0 });
        var generator = new HistoryGenerator(world.Truth, world.Behaviour, policy, rates);
        return Enumerable.Range(0, world.Truth.Days)
            .Select(day => generator.GenerateDay(day).Select(e => e.UserId).Distinct().Count())
            .ToList();
    }

    /// <summary>Each user's most (or least) liked available videos, by the world's hidden affinity.</summary>
    private sealed class ByAffinity(SimulatedWorld world, bool best) : ISlatePolicy
    {
        private int _day;

        public void BeginDay(int day) => _day = day;

        public int[] ChooseSlate(int user, DateTime at, int device, int size, SimRandom rng)
        {
            var available = world.Truth.AvailableAtDayStart[_day];
            var ordered = Enumerable.Range(0, available).OrderBy(v => world.Behaviour.Affinity(user, v, _day));
            return (best ? ordered.Reverse() : ordered).Take(size).ToArray();
        }

        public void EndDay(int day, IReadOnlyList<InteractionEvent> events)
        {
        }
    }
}
