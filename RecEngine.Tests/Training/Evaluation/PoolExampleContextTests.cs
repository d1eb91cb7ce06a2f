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
    private static readonly VideoSnapshot Catalog = Videos([.. Enumerable.Range(0, 24).Select(i => $"v{i}")]);
    private static readonly int Device = RankingFeatures.FirstContextCategorical;
    private static readonly int Hour = RankingFeatures.FirstContextCategorical + 1;

    /// <summary>18 users in three taste groups, 10 watches each on a tv, at UTC + 3.</summary>
    private static List<InteractionEvent> History()
    {
        var rng = new Random(5);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 18; u++)
        {
            var videos = Enumerable.Range(0, 8).Select(i => (3 * i) + (u % 3)).OrderBy(_ => rng.Next()).ToList();
            videos.AddRange(Enumerable.Range(0, 24).OrderBy(_ => rng.Next()).Where(v => !videos.Contains(v)).Take(2));
            for (var i = 0; i < videos.Count; i++)
            {
                var e = Event($"u{u}", $"v{videos[i]}", (i * 60) + u, id: $"u{u}-{i}");
                e.Device = "tv";
                e.Hour = (e.Timestamp.Hour + 3) % 24;
                events.Add(e);
            }
        }

        return [.. events.OrderBy(e => e.Timestamp)];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pool_examples_carry_the_serving_context_alone_and_none_beside_impressions(bool besideImpressions)
    {
        var events = History();
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
