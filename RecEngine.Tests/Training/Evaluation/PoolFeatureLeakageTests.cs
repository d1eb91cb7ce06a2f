using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training.Evaluation;
using static RecEngine.Tests.Training.Evaluation.EvaluationTestData;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>
/// The ranker's features on imported data (serving's, with the co-watch signals of the feature model) and its
/// candidate pools (serving's generator, as <see cref="RecEngine.Training.PoolNegativesDataset"/> builds them) are computed from the training part of the split alone: rewriting every held-out event leaves
/// each of them unchanged, while rewriting one training event does not.
/// </summary>
public sealed class PoolFeatureLeakageTests
{
    private static readonly VideoSnapshot Catalog = TasteGroupVideos;

    private static InteractionEvent Copy(InteractionEvent e, string videoId, double watchSeconds) => new()
    {
        EventId = e.EventId,
        UserId = e.UserId,
        VideoId = videoId,
        Type = e.Type,
        WatchSeconds = watchSeconds,
        Timestamp = e.Timestamp,
        Hour = e.Hour,
    };

    /// <summary>Every raw feature of every (user, video) and every user's pool, with a string per user for the messages.</summary>
    private static Dictionary<string, string> Features(List<InteractionEvent> events)
    {
        var split = TemporalSplit.CreatePerUser(events, Catalog, 0.2);
        using var model = RetrievalTrainer.Train(split.Train, Catalog, new AlsOptions(), new VectorIndexOptions(), CancellationToken.None);
        var options = new CandidateOptions();
        var trendingAt = new TrendingAtCuts(split, Catalog, options);
        var trending = TrendingIndex.Empty(Catalog);
        var generator = CandidateGenerator.Standard(() => model, () => trending, options);
        var numeric = new double[RankingFeatures.NumericCount];
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal))
        {
            trending = trendingAt.For(user);
            var request = split.RequestFor(user, model, Catalog);
            var pool = generator.Generate(request, 10).Select(c => c.VideoIndex);
            var context = UserContext.Build(split.Histories[user], model, Catalog);
            var impression = ImpressionContext.Serving(request.Now, null, split.Histories[user]);
            var rows = new List<string> { $"pool {string.Join(',', pool)}" };
            for (var v = 0; v < Catalog.Count; v++)
            {
                RankingFeatures.Raw(context, v, impression, Catalog, model, trending, numeric, categorical);
                rows.Add($"v{v}: {string.Join(' ', numeric.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))} | {string.Join(' ', categorical)}");
            }

            result[user] = string.Join('\n', rows);
        }

        return result;
    }

    [Fact]
    public void RewritingTheTestPartChangesNoFeatureAndNoPool()
    {
        var events = TasteGroups();
        var isTest = PerUserTail.Mask(events, 0.2);
        Assert.Contains(true, isTest);
        var before = Features(events);

        // Every held-out event now watches another video for another length; times and ids stay, so the split does too.
        var rewritten = events.Select((e, i) => isTest[i]
            ? Copy(e, $"v{(int.Parse(e.VideoId[1..], System.Globalization.CultureInfo.InvariantCulture) + 7) % 24}", watchSeconds: 5)
            : e).ToList();
        Assert.NotEqual(events.Where((_, i) => isTest[i]).Select(e => e.VideoId), rewritten.Where((_, i) => isTest[i]).Select(e => e.VideoId));
        var after = Features(rewritten);

        foreach (var (user, features) in before)
        {
            Assert.True(features == after[user], $"{user}:\n{features}\n---\n{after[user]}");
        }
    }

    [Fact]
    public void RewritingOneTrainingEventChangesSomeFeature()
    {
        var events = TasteGroups();
        var isTest = PerUserTail.Mask(events, 0.2);
        var first = Array.IndexOf(isTest, false);
        var rewritten = events.Select((e, i) => i == first ? Copy(e, e.VideoId == "v23" ? "v22" : "v23", e.WatchSeconds) : e).ToList();

        var before = Features(events);
        var after = Features(rewritten);
        Assert.Contains(before.Keys, user => before[user] != after[user]);
    }
}
