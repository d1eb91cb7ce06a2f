using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

/// <summary>The taste rating model of the MovieLens export: seeded, and ratings follow the users' true affinities.</summary>
public sealed class TasteRatingChoiceTests
{
    private static readonly TasteRatingParameters Defaults = new();

    private static List<SimulatedRating> Ratings(SimulatedWorld world, TasteRatingParameters? parameters = null) =>
        new TasteRatingChoice(world.Behaviour, parameters ?? Defaults).Ratings(CancellationToken.None);

    [Fact]
    public void SameSeedGivesTheSameRatingsAndAnotherSeedOthers()
    {
        var a = Ratings(TestWorlds.Create(seed: 5));
        var b = Ratings(TestWorlds.Create(seed: 5));
        var c = Ratings(TestWorlds.Create(seed: 6));

        Assert.True(a.Count > 1000, $"only {a.Count} ratings");
        Assert.Equal(a, b);
        var shared = a.Intersect(c).Count();
        Assert.True(shared < a.Count / 10, $"{shared} of {a.Count} ratings identical across seeds");
    }

    [Fact]
    public void RatersRateEnoughOnceEachAndOnlyWhatWasUploadedByThen()
    {
        var world = TestWorlds.Create(seed: 5);
        var ratings = Ratings(world);

        var perUser = ratings.GroupBy(r => r.User).ToList();
        Assert.InRange(perUser.Count, world.Truth.UserCount * Defaults.RaterShare * 0.7, world.Truth.UserCount * Defaults.RaterShare * 1.3);
        Assert.All(perUser, g => Assert.True(g.Count() >= Defaults.MinRatings, $"user {g.Key} rated {g.Count()}"));
        Assert.Equal(ratings.Count, ratings.Select(r => (r.User, r.Video)).Distinct().Count());
        Assert.All(ratings, r => Assert.True(world.Truth.UploadedAt(r.Video) <= r.At && r.At < world.Truth.DayStart(world.Truth.Days), $"{r} outside its video's time"));
        Assert.All(ratings, r => Assert.InRange(r.Stars, 0.5, 5));
    }

    [Fact]
    public void RatedMoviesHaveHigherTrueAffinityThanTheRestAndStarsFollowIt()
    {
        var world = TestWorlds.Create(seed: 5);
        var ratings = Ratings(world);

        // Per rating: the rated movie's affinity against the mean affinity of the movies available then.
        var rated = 0.0;
        var available = 0.0;
        foreach (var r in ratings.Where((_, i) => i % 10 == 0))
        {
            var day = (int)(r.At - world.Truth.Start).TotalDays;
            rated += world.Behaviour.Affinity(r.User, r.Video, day);
            var count = world.Truth.AvailableAt(r.At);
            available += Enumerable.Range(0, count).Average(v => world.Behaviour.Affinity(r.User, v, day));
        }

        Assert.True(rated > available + (0.2 * ratings.Count / 10.0), $"mean affinity of rated {rated / (ratings.Count / 10.0):0.000}, of available {available / (ratings.Count / 10.0):0.000}");

        var affinity = ratings.Select(r => world.Behaviour.Affinity(r.User, r.Video, (int)(r.At - world.Truth.Start).TotalDays)).ToArray();
        var correlation = Pearson(affinity, [.. ratings.Select(r => r.Stars)]);
        Assert.True(correlation > 0.3, $"stars-affinity correlation {correlation:0.000}");
    }

    [Fact]
    public void PopularityExponentAndTemperatureSteerTheChoice()
    {
        var world = TestWorlds.Create(seed: 5);
        double MeanQuality(List<SimulatedRating> ratings) => ratings.Average(r => world.Truth.Quality[r.Video]);
        double MeanAffinity(List<SimulatedRating> ratings) => ratings.Average(r => world.Behaviour.Affinity(r.User, r.Video, 0));

        var noPopularity = Ratings(world, Defaults with { PopularityExponent = 0 });
        var popular = Ratings(world, Defaults with { PopularityExponent = 3 });
        Assert.True(MeanQuality(popular) > MeanQuality(noPopularity) + 0.3, $"{MeanQuality(popular):0.000} vs {MeanQuality(noPopularity):0.000}");

        var loose = Ratings(world, Defaults with { TasteTemperature = 10 });
        Assert.True(MeanAffinity(Ratings(world)) > MeanAffinity(loose) + 0.1, $"{MeanAffinity(Ratings(world)):0.000} vs {MeanAffinity(loose):0.000}");
    }

    [Fact]
    public void ATasteShiftMovesWhatIsRatedAfterTheSwitch()
    {
        var world = TestWorlds.Create(seed: 5, scenario: "taste-shift");
        var shiftCategory = Array.FindIndex(world.Truth.Categories, c => c.Name == WorldTables.TasteShiftCategory);
        var ratings = Ratings(world);
        double Share(IEnumerable<SimulatedRating> part) => part.Average(r => world.Truth.VideoCategory[r.Video] == shiftCategory ? 1.0 : 0.0);

        var switchAt = world.Truth.DayStart(world.Truth.Scenario.SwitchDay);
        var before = Share(ratings.Where(r => r.At < switchAt));
        var after = Share(ratings.Where(r => r.At >= switchAt));
        Assert.True(after > before + 0.05, $"share of {WorldTables.TasteShiftCategory} before {before:0.000}, after {after:0.000}");
    }

    private static double Pearson(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        var sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        var sxx = x.Sum(v => (v - mx) * (v - mx));
        var syy = y.Sum(v => (v - my) * (v - my));
        return sxy / Math.Sqrt(sxx * syy);
    }
}
