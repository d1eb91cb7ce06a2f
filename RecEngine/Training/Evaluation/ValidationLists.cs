using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The blend's training lists: for each selection user of the validation split, the <see cref="CandidatePool"/>
/// at their validation cut, scored by the network (trained on the other fold's users) and described by
/// <see cref="BlendFeatures"/>, with the user's validation watches as the relevant set. The same walk scores the
/// baselines on those users, so the validation report compares like with like.
/// </summary>
public static class ValidationLists
{
    /// <summary>One user's pool: raw features (<see cref="BlendFeatures.Raw"/>), relevance, and the history term.</summary>
    public sealed record Pool(int[] Ids, double[] Raw, bool[] Relevant, double History)
    {
        /// <summary>The blend's list over the pool's head of <paramref name="head"/> candidates (0: all), standardised.</summary>
        public BlendList ToList(int head)
        {
            var indexes = BlendFeatures.Head(Raw, Ids.Length, head);
            var rows = BlendFeatures.Rows(Raw, indexes);
            BlendFeatures.Finish(rows, indexes.Length, History);
            return new BlendList([.. indexes.Select(i => Ids[i])], rows, [.. indexes.Select(i => Relevant[i])]);
        }
    }

    public sealed record Result(List<Pool> Pools, List<HashSet<int>> Targets, Dictionary<string, double> BaselineNdcgAt10);

    public static Result Build(TemporalSplit validation, IReadOnlyList<string> users, VideoSnapshot videos, RetrievalModel model, TrainingSplitSignals signals,
        OnnxRanker network, FittedFeatureSpec spec, CandidateOptions options, int poolSize, CancellationToken cancellationToken)
    {
        var trendingAt = new TrendingAtCuts(validation, videos, options);
        var trending = TrendingIndex.Empty(videos);
        var generator = new CandidateGenerator(
            [new PersonalSource(() => model), new ItemToItemSource(() => model, options.ItemToItemSeeds), new TrendingSource(() => trending), new FreshSource(options.FreshWindow, TimeSpan.FromDays(1))],
            options);
        var decayed = new DecayedPopularity(validation.Train, videos);
        var lists = new List<Pool>();
        var targets = new List<HashSet<int>>();
        double popular = 0, knn = 0, net = 0;
        foreach (var user in users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relevant = validation.Targets[user];
            trending = trendingAt.For(user);
            var request = validation.RequestFor(user, model, videos);
            var ids = CandidatePool.Build(generator.Generate(request, poolSize), request, signals);
            var context = UserContext.Build(validation.Histories.GetValueOrDefault(user) ?? new UserFeatures { UserId = user }, model, videos);
            var impression = new ImpressionContext(request.Now, 0, null, request.Now.Hour, 0);
            var p = new float[ids.Length];
            var t = new float[ids.Length];
            PoolRanker.Score(network, spec, signals, videos, model, context, request, ids, impression, trending, p, t);
            var (raw, history) = BlendFeatures.Raw(ids, p, t, request, signals, decayed, model);
            lists.Add(new Pool(ids, raw, [.. ids.Select(relevant.Contains)], history));
            targets.Add(relevant);
            popular += RankingMetrics.NdcgAtK(signals.PopularOrder.Where(request.Allows).Take(10).ToList(), relevant, 10);
            knn += RankingMetrics.NdcgAtK(signals.Knn.Recommend(request.RecentVideoIndexes, 10, request.Allows), relevant, 10);
            net += RankingMetrics.NdcgAtK(Enumerable.Range(0, ids.Length).OrderByDescending(i => t[i]).Take(10).Select(i => ids[i]).ToList(), relevant, 10);
        }

        var n = Math.Max(1, users.Count);
        return new Result(lists, targets, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["most_popular"] = popular / n,
            ["item_knn"] = knn / n,
            ["ranker_network"] = net / n,
        });
    }
}
