using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Lifecycle;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>Replay validation: every model re-ranks the same shown videos of the same users.</summary>
public sealed class ReplayValidationTests
{
    [Fact]
    public async Task TwoModelsAreScoredOnTheSameUsersAndShownSetsAndTheRankerBeatsARandomOrder()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var services = factory.Services;
        // Three epochs: after one, on this small world, P(watch) orders the shown sets no better than chance (watch time
        // NDCG@20 0.49 against 0.49 for a shuffle), and the order is P(watch) x E[seconds | watched].
        LifecycleWorld.TrainAndPromote(services, epochs: 3);
        var first = services.GetRequiredService<ServingState>().Acquire()!;
        LifecycleWorld.TrainAndPromote(services, epochs: 3);
        using var second = services.GetRequiredService<ServingState>().Acquire()!;
        var events = services.GetRequiredService<EventStore>();
        var all = events.InWindow(DateTime.MinValue, DateTime.MaxValue).ToList();
        var cut = all[^1].Timestamp.AddDays(-1);
        var candidates = services.GetRequiredService<IOptions<CandidateOptions>>().Value;

        var a = HeldOutValidation.Replay(first.Snapshot, all, cut, candidates, maxUsers: 200)!.Value;
        var b = HeldOutValidation.Replay(second.Snapshot, all, cut, candidates, maxUsers: 200)!.Value;
        var videos = first.Snapshot.Videos;
        first.Dispose();

        // The same users and shown sets: the popularity ordering of them, which depends on no model, scores the same.
        Assert.Equal(a.Users, b.Users);
        Assert.InRange(a.Users, 20, 200);
        Assert.Equal(a.Models["most_popular"], b.Models["most_popular"]);

        // The ranker orders what each user was shown better than chance, in watch time: shown sets hold at least two
        // videos and one watch, so a random order's NDCG@20 with watch seconds as gains has a floor well above 0, and a
        // trained ranker must clear it.
        var ranker = a.Models[RecEngine.Evaluation.PipelineEvaluation.Served].WatchTimeNdcgAt20;
        Assert.InRange(ranker, 0.0, 1.0);
        var random = RandomOrderWatchTimeNdcg(all, cut, videos);
        Assert.True(ranker > random + 0.01, $"ranker watch_time_ndcg@20 {ranker:0.0000} vs random order {random:0.0000}");
    }

    /// <summary>
    /// NDCG@20 of shuffled shown sets with each watched video's seconds (at least one) as its gain, averaged over seeds:
    /// the chance level on the same kind of sets.
    /// </summary>
    private static double RandomOrderWatchTimeNdcg(List<InteractionEvent> all, DateTime cut, RecEngine.Features.VideoSnapshot videos)
    {
        var shown = all.Where(e => e.Timestamp >= cut && e.Type == EventType.Impression && videos.TryGetIndex(e.VideoId, out _)).GroupBy(e => e.UserId)
            .ToDictionary(g => g.Key, g => g.Select(e => e.VideoId).Distinct().ToList());
        var watched = all.Where(e => e.Timestamp >= cut && e.Type == EventType.Watch).GroupBy(e => e.UserId)
            .ToDictionary(g => g.Key, g => g.GroupBy(e => e.VideoId).ToDictionary(v => v.Key, v => v.Sum(e => Math.Max(e.WatchSeconds, 1))));
        var eligible = shown.Where(s => s.Value.Count >= 2 && watched.TryGetValue(s.Key, out var w) && s.Value.Any(w.ContainsKey)).ToList();
        var total = 0.0;
        for (var seed = 0; seed < 20; seed++)
        {
            var rng = new Random(seed);
            total += eligible.Average(s => RecEngine.Training.Evaluation.RankingMetrics.NdcgAtK(
                s.Value.OrderBy(_ => rng.Next()).ToList(), watched[s.Key].Where(w => s.Value.Contains(w.Key)).ToDictionary(w => w.Key, w => w.Value), 20));
        }

        Assert.NotEmpty(eligible);
        return total / 20;
    }
}
