using RecEngine.Ranking.Features;
using RecEngine.Training;
using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

public sealed class ServedSlatesPreparationTests
{
    private static readonly int Position = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("position");
    private static readonly int ExampleAge = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("example_age_hours");

    [Fact]
    public void Served_slates_lose_position_and_example_age_and_count_explored_impressions_more()
    {
        var random = new Random(2);
        var data = new RankerDataset();
        for (var i = 0; i < 6_000; i++)
        {
            var position = random.Next(8);
            PositionBiasTests.Add(data, position, random.NextDouble() < 0.3 * Math.Pow(1 + position, -0.7), explored: i % 10 == 0, exampleAge: 1 + (i % 48));
        }

        var explored = data.ExploredRows.Count;
        var watchedExplored = data.ExploredRows.Sum(r => data.Watched[r]);
        var watched = data.Watched.Sum();

        var bias = ServedSlatesPreparation.Apply(data);

        Assert.NotNull(bias);
        Assert.Equal(6_000 + ((ServedSlatesPreparation.ExploredWeight - 1) * explored), data.Count);
        Assert.Equal(watched + ((ServedSlatesPreparation.ExploredWeight - 1) * watchedExplored), data.Watched.Sum());
        Assert.All(data.Numeric, row => Assert.True(row[Position] == 0 && row[ExampleAge] == 0, $"position {row[Position]}, example age {row[ExampleAge]}"));
        // The logged positions stay with the impressions: the offsets are computed from them.
        Assert.Equal(7, data.Impressions.Max(i => i.Position));
        Assert.Equal(data.Count, bias.Offsets(data).Length);
    }

    [Fact]
    public void A_window_without_explored_impressions_is_left_as_it_is()
    {
        var data = new RankerDataset();
        for (var i = 0; i < 3_000; i++)
        {
            PositionBiasTests.Add(data, i % 8, i % 3 == 0, explored: false, exampleAge: 1 + (i % 48));
        }

        Assert.Null(ServedSlatesPreparation.Apply(data));
        Assert.Equal(3_000, data.Count);
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (double)(i % 8)), data.Numeric.Select(r => r[Position]));
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => 1.0 + (i % 48)), data.Numeric.Select(r => r[ExampleAge]));
    }
}
