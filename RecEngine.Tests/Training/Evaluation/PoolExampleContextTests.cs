using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Datasets;
using RecEngine.Training.Evaluation;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// The context a pool example carries: alone, the one serving scores with (the user's device and local hour); beside
/// logged impressions, none, so the network tells "watched next among the pool" from "watched when shown".
/// </summary>
public sealed class PoolExampleContextTests
{
    private static readonly VideoSnapshot Catalog = TasteGroupVideos;
    private static readonly int Device = RankingFeatures.FirstContextCategorical;
    private static readonly int Hour = RankingFeatures.FirstContextCategorical + 1;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pool_examples_carry_the_serving_context_alone_and_none_beside_impressions(bool besideImpressions)
    {
        // The taste groups' watches, on a tv, at UTC + 3.
        var events = TasteGroups();
        foreach (var e in events)
        {
            e.Device = "tv";
            e.Hour = (e.Timestamp.Hour + 3) % 24;
        }

        var split = TemporalSplit.CreatePerUser(events, Catalog, 0.2);
        using var model = RetrievalTrainer.Train(split.Train, Catalog, new AlsOptions(), new VectorIndexOptions(), CancellationToken.None);
        var isLabel = PerUserTail.Mask(events, 0.2);
        var seconds = PoolNegativesDataset.WatchSeconds(events, i => isLabel[i], Catalog);

        var data = PoolNegativesDataset.Build(split, seconds, Catalog, model, new CandidateOptions(), besideImpressions: besideImpressions);

        Assert.NotEmpty(data.Categorical);
        Assert.All(data.Categorical, row => Assert.Equal(besideImpressions ? null : "tv", row[Device]));
        // Each example stands at its user's cut: at UTC's hour beside impressions, at the user's (UTC + 3) alone.
        var expected = split.Targets.Keys.Select(u => (besideImpressions ? split.CutFor(u).Hour : (split.CutFor(u).Hour + 3) % 24).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Subset(expected.ToHashSet(), data.Categorical.Select(r => r[Hour]!).ToHashSet());
    }
}
