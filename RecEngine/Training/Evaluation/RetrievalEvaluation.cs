using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>Recall@k of candidate generation on a temporal holdout, per source mix.</summary>
internal sealed record RetrievalReport(int UsersEvaluated, int K, IReadOnlyDictionary<string, double> Recall);

/// <summary>
/// Trains retrieval on the events before the cut and measures, for each sampled user, the share of videos they
/// watched next (after the cut, new to them) that were among the k candidates: for the merged sources, each
/// source alone, and the ground-truth oracle where the world has one.
/// </summary>
internal static class RetrievalEvaluation
{
    public static RetrievalReport Run(
        TemporalSplit split,
        VideoSnapshot videos,
        RetrievalModel model,
        CandidateOptions options,
        IRelevanceOracle oracle,
        IReadOnlyList<string> users,
        int k)
    {
        var trendingAt = new TrendingAtCuts(split, videos, options);
        var trending = TrendingIndex.Empty(videos);
        var personal = new PersonalSource(() => model);
        var coWatch = new CoWatchSource(() => model);
        var itemToItem = new ItemToItemSource(() => model, options.ItemToItemSeeds);
        var trendingSource = new TrendingSource(() => trending);
        var fresh = new FreshSource(options.FreshWindow, TimeSpan.FromDays(1));
        var merged = CandidateGenerator.Standard(() => model, () => trending, options);

        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<int> candidates, HashSet<int> targets)
        {
            sums[name] = sums.GetValueOrDefault(name) + RankingMetrics.RecallAtK(candidates.ToList(), targets, k);
        }

        foreach (var user in users)
        {
            var targets = split.Targets[user];
            trending = trendingAt.For(user);
            var request = split.RequestFor(user, model, videos);
            Add("merged", merged.Generate(request, k).Select(c => c.VideoIndex), targets);
            Add("personal", personal.Propose(request, k).Select(p => p.VideoIndex), targets);
            Add("co_watch", coWatch.Propose(request, k).Select(p => p.VideoIndex), targets);
            Add("item_to_item", itemToItem.Propose(request, k).Select(p => p.VideoIndex), targets);
            Add("trending", trendingSource.Propose(request, k).Select(p => p.VideoIndex), targets);
            Add("fresh", fresh.Propose(request, k).Select(p => p.VideoIndex), targets);
            if (oracle.IsAvailable)
            {
                var best = oracle.Ranking(user, request.Now, k + request.Excluded.Count)
                    .Select(id => videos.TryGetIndex(id, out var v) ? v : -1)
                    .Where(v => v >= 0 && request.Allows(v))
                    .Take(k);
                Add("oracle", best, targets);
            }
        }

        var recall = sums.ToDictionary(kv => kv.Key, kv => users.Count == 0 ? 0 : kv.Value / users.Count, StringComparer.Ordinal);
        return new RetrievalReport(users.Count, k, recall);
    }
}
