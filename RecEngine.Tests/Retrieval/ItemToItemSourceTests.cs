using System.Numerics.Tensors;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Tests.Retrieval;

/// <summary>Item-to-item with its related-videos table gives each seed's exact nearest allowed videos, searching each seed once per model.</summary>
public sealed class ItemToItemSourceTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static (VideoSnapshot Videos, RetrievalModel Model) World()
    {
        var videos = VideoSnapshot.FromVideos(Enumerable.Range(0, 400).Select(i => new Video
        {
            Id = $"v{i:D3}",
            Title = $"t{i}",
            Category = $"c{i % 4}",
            CreatorId = $"cr{i % 9}",
            DurationSeconds = 100,
            UploadedAt = Now.AddDays(-10),
        }), Now);
        var rng = new Random(11);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 200; u++)
        {
            foreach (var v in Enumerable.Range(0, 100).Select(j => (j * 4) + (u % 4)).OrderBy(_ => rng.Next()).Take(12))
            {
                events.Add(new InteractionEvent
                {
                    EventId = $"e{u}-{v}", UserId = $"u{u}", VideoId = $"v{v:D3}", Type = EventType.Watch,
                    WatchSeconds = 30 + rng.Next(70), Timestamp = Now.AddDays(-1),
                });
            }
        }

        return (videos, RetrievalTrainer.Train(events, videos, new AlsOptions { Factors = 8, Iterations = 8, Threads = 2 }, new VectorIndexOptions()));
    }

    /// <summary>
    /// The definition: for each seed, the allowed videos among its <see cref="ItemToItemSource.RelatedDepth"/> nearest by
    /// exact inner product (all allowed videos when <paramref name="deep"/>), its best <paramref name="perSeed"/>; merged
    /// by the best score.
    /// </summary>
    private static Dictionary<int, float> Expected(RetrievalModel model, CandidateRequest request, IEnumerable<int> seeds, int perSeed, bool deep = false)
    {
        var best = new Dictionary<int, float>();
        foreach (var seed in seeds)
        {
            var nearest = Enumerable.Range(0, model.Videos.Count)
                .Select(v => (Video: v, Score: model.Als.Items.Dot(seed, v)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Video).Take(deep ? int.MaxValue : ItemToItemSource.RelatedDepth)
                .Where(x => request.Allows(x.Video)).Take(perSeed);
            foreach (var (video, score) in nearest)
            {
                best[video] = Math.Max(best.GetValueOrDefault(video, float.NegativeInfinity), score);
            }
        }

        return best;
    }

    private static int PerSeed(int count, int seeds) => Math.Min(Math.Min(count, ItemToItemSource.RelatedDepth), Math.Max(32, (int)Math.Ceiling(2.0 * count / seeds)));

    [Fact]
    public void ProposalsAreEachSeedsNearestAllowedVideosAndEachSeedIsSearchedOncePerModel()
    {
        var (videos, model) = World();
        var source = new ItemToItemSource(() => model, seeds: 3);
        var rng = new Random(4);
        for (var r = 0; r < 30; r++)
        {
            // Recent watches drawn from a small pool, so seeds repeat across requests as popular videos do.
            var recent = Enumerable.Range(0, 6).Select(_ => rng.Next(12) * 7).Distinct().ToList();
            var excluded = recent.Concat(Enumerable.Range(0, 40).Select(_ => rng.Next(videos.Count))).ToHashSet();
            var request = new CandidateRequest { Videos = videos, Now = Now, RecentVideoIndexes = recent, Excluded = excluded, Categories = new HashSet<int>() };
            const int count = 60;

            var proposed = source.Propose(request, count);

            var seeds = recent.Take(3).ToList();
            var union = Expected(model, request, seeds, PerSeed(count, seeds.Count));
            var expected = union.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(count).ToList();
            Assert.Equal(expected.Select(kv => kv.Key), proposed.Select(p => p.VideoIndex));
            Assert.All(proposed, p => Assert.True(request.Allows(p.VideoIndex)));
        }

        // Twelve distinct seeds at most were ever asked for, each kept once.
        Assert.InRange(source.RelatedCount, 1, 12);
    }

    [Fact]
    public void TheTableKeepsNoMoreThanItsCapacityAndStillAnswersForEverySeed()
    {
        var (videos, model) = World();
        var bounded = new ItemToItemSource(() => model, seeds: 5, relatedCapacity: 2);
        var request = new CandidateRequest { Videos = videos, Now = Now, RecentVideoIndexes = [1, 2, 3, 4, 5], Excluded = new HashSet<int>(), Categories = new HashSet<int>() };

        var proposed = bounded.Propose(request, 50);

        Assert.Equal(2, bounded.RelatedCount);
        var expected = Expected(model, request, [1, 2, 3, 4, 5], PerSeed(50, 5)).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(50).Select(kv => kv.Key);
        Assert.Equal(expected, proposed.Select(p => p.VideoIndex));
    }

    [Fact]
    public void AnOverlappingShortListIsLeftForTheGeneratorToFillWithoutSearchingDeeper()
    {
        var (videos, model) = World();
        var source = new ItemToItemSource(() => model, seeds: 2);
        var request = new CandidateRequest { Videos = videos, Now = Now, RecentVideoIndexes = [4, 8], Excluded = new HashSet<int>(), Categories = new HashSet<int>() };

        // Two seeds can give at most twice their related rows, fewer than asked for.
        var proposed = source.Propose(request, 300);

        Assert.InRange(proposed.Count, 1, 2 * ItemToItemSource.RelatedDepth);
        var expected = Expected(model, request, [4, 8], PerSeed(300, 2)).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key);
        Assert.Equal(expected, proposed.Select(p => p.VideoIndex));
    }

    [Fact]
    public void ACategoryRestrictedRequestSearchesASeedBeyondItsRelatedRow()
    {
        var (videos, model) = World();
        var source = new ItemToItemSource(() => model, seeds: 1);
        // Seed v001 (category c1) has a neighbourhood of c1 videos; asking for c2 needs a deeper search.
        var c2 = new HashSet<int> { videos.CategoryId("c2") };
        var request = new CandidateRequest { Videos = videos, Now = Now, RecentVideoIndexes = [1], Excluded = new HashSet<int>(), Categories = c2 };

        var proposed = source.Propose(request, 40);

        var expected = Expected(model, request, [1], 40, deep: true).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).ToList();
        Assert.Equal(40, expected.Count);
        Assert.Equal(expected, proposed.Select(p => p.VideoIndex));
    }

    [Fact]
    public void WarmingFillsEachSeedsRowOnceUpToTheCapacityAndRequestsThenFindThem()
    {
        var (videos, model) = World();
        var source = new ItemToItemSource(() => model, seeds: 5, relatedCapacity: 3);
        var generator = new CandidateGenerator([source], new CandidateOptions());

        // A seed outside the model is skipped, a repeat costs nothing, and the table stops at its capacity.
        Assert.Equal(4, generator.WarmRelated([7, 7, 999_999, 9], CancellationToken.None));
        Assert.Equal(2, source.RelatedCount);
        Assert.Equal(1, generator.WarmRelated([11, 13, 15], CancellationToken.None));
        Assert.Equal(3, source.RelatedCount);

        var request = new CandidateRequest { Videos = videos, Now = Now, RecentVideoIndexes = [7, 9, 11], Excluded = new HashSet<int>(), Categories = new HashSet<int>() };
        var proposed = source.Propose(request, 40);
        Assert.Equal(3, source.RelatedCount);
        var expected = Expected(model, request, [7, 9, 11], PerSeed(40, 3)).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(40).Select(kv => kv.Key);
        Assert.Equal(expected, proposed.Select(p => p.VideoIndex));
    }

    [Fact]
    public void WarmUpSeedsAreEachUsersFirstDistinctWatchesMostSharedFirst()
    {
        var (videos, _) = World();
        RecentWatch W(int v) => new($"v{v:D3}", Now, 10);
        var users = new[]
        {
            new UserFeatures { UserId = "a", RecentWatches = [W(5), W(5), W(6), W(7)] },
            new UserFeatures { UserId = "b", RecentWatches = [new RecentWatch("gone", Now, 1), W(7), W(8)] },
            new UserFeatures { UserId = "c" },
        };

        // Two seeds each: a gives 5 and 6 (its repeat of 5 counts once), b gives 7 and 8 (an unknown id is skipped).
        Assert.Equal([5, 6, 7, 8], RecEngine.Serving.RelatedVideosWarmup.Seeds(users, videos, perUser: 2));
        // Three each: 7 is shared by both, so it comes first.
        Assert.Equal([7, 5, 6, 8], RecEngine.Serving.RelatedVideosWarmup.Seeds(users, videos, perUser: 3));
    }
}
