using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Tests.Serving;

/// <summary>Exploration: a share of each slate's positions go to uniformly drawn allowed videos, flagged, seeded by request id.</summary>
public sealed class ExplorationStageTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Videos v0000..: categories a/b/c/d by index % 4; every 7th unavailable, every 11th not yet published.</summary>
    private static VideoSnapshot Videos(int count) => VideoSnapshot.FromVideos(
        Enumerable.Range(0, count).Select(i => new Video
        {
            Id = $"v{i:D4}",
            Title = $"Video {i}",
            Category = "abcd"[i % 4].ToString(),
            CreatorId = $"c{i % 40}",
            DurationSeconds = 60,
            UploadedAt = i % 11 == 5 ? Now.AddDays(1) : Now.AddDays(-10),
            Available = i % 7 != 3,
        }),
        Now);

    /// <summary>The model's slate: candidates 0..k-1 (videos 0, 1, ...), in that order.</summary>
    private static (List<RankedCandidate> Slate, List<Candidate> Candidates) ModelSlate(IEnumerable<int> videos, int k)
    {
        var candidates = videos.Select(v => new Candidate(v)).ToList();
        return (Enumerable.Range(0, k).Select(i => new RankedCandidate(i, 10f - i)).ToList(), candidates);
    }

    private static CandidateRequest Filter(VideoSnapshot videos, IReadOnlySet<int>? excluded = null, IReadOnlySet<int>? categories = null) => new()
    {
        Videos = videos,
        Now = Now,
        Excluded = excluded ?? new HashSet<int>(),
        Categories = categories ?? new HashSet<int>(),
    };

    [Fact]
    public void TheShareOfPositionsIsExploredFlaggedAndTheModelsOrderKeptElsewhere()
    {
        var videos = Videos(2000);
        var filter = Filter(videos);
        var allowed = Enumerable.Range(0, 2000).Where(filter.Allows).ToList();
        const int k = 20;
        var explored = 0;
        var byPosition = new int[k];
        for (var r = 0; r < 2000; r++)
        {
            var (slate, candidates) = ModelSlate(allowed.Take(k), k);
            var (result, positions) = ExplorationStage.Explore(slate, candidates, filter, videos.Count, 0.1, $"req-{r}");

            Assert.Equal(k, result.Count);
            var flagged = positions ?? [];
            explored += flagged.Length;
            foreach (var p in flagged)
            {
                byPosition[p]++;
            }

            // Flagged positions, and only they, hold explore candidates with no score; the rest is the model's top k - m, in order.
            for (var p = 0; p < k; p++)
            {
                var candidate = candidates[result[p].Candidate];
                Assert.Equal(flagged.Contains(p), candidate.ProposedBy(CandidateSourceKind.Explore));
                if (flagged.Contains(p))
                {
                    Assert.Equal([CandidateSourceKind.Explore], candidate.Sources);
                    Assert.Null(result[p].Score);
                }
            }

            Assert.Equal(Enumerable.Range(0, k - flagged.Length), result.Where((_, p) => !flagged.Contains(p)).Select(x => x.Candidate));
        }

        // 0.1 x 20 = 2 per slate on average; every position gets explored sometimes (positions are drawn at random).
        Assert.InRange(explored / 2000.0, 1.9, 2.1);
        Assert.All(byPosition, count => Assert.InRange(count, 100, 300));
    }

    [Fact]
    public void ExploredVideosRespectTheRequestsFiltersAndAreNotAlreadyInTheSlate()
    {
        var videos = Videos(600);
        var watched = Enumerable.Range(0, 600).Where(v => v % 5 == 0).ToHashSet();
        var categoryB = new HashSet<int> { videos.CategoryId("b") };
        var filter = Filter(videos, watched, categoryB);
        var allowed = Enumerable.Range(0, 600).Where(filter.Allows).ToList();
        var drawn = new HashSet<int>();
        for (var r = 0; r < 500; r++)
        {
            var (slate, candidates) = ModelSlate(allowed.Take(10), 10);
            var (result, positions) = ExplorationStage.Explore(slate, candidates, filter, videos.Count, 0.3, $"filtered-{r}");

            var shown = result.Select(x => candidates[x.Candidate].VideoIndex).ToList();
            Assert.Equal(shown.Count, shown.Distinct().Count());
            foreach (var p in positions ?? [])
            {
                var v = shown[p];
                Assert.True(filter.Allows(v), $"video {v}: available {videos.Available[v]}, category {videos.CategoryIndex[v]}, watched {watched.Contains(v)}");
                drawn.Add(v);
            }
        }

        // Uniform over what is allowed: draws reach well beyond the model's slate (allowed.Take(10)).
        Assert.True(drawn.Count > allowed.Count / 2, $"{drawn.Count} distinct explored videos of {allowed.Count} allowed");
        Assert.DoesNotContain(drawn, v => !filter.Allows(v));
    }

    [Fact]
    public void ShareZeroExploresNothing()
    {
        var videos = Videos(300);
        var (slate, candidates) = ModelSlate(Enumerable.Range(0, 20), 20);

        var (result, positions) = ExplorationStage.Explore(slate, candidates, Filter(videos), videos.Count, 0, "req-1");

        Assert.Null(positions);
        Assert.Same(slate, result);
        Assert.Equal(20, candidates.Count);
    }

    [Fact]
    public void TheSameRequestIdExploresTheSameWayAndOthersDiffer()
    {
        var videos = Videos(5000);
        var filter = Filter(videos);

        (int[] Videos, int[]? Positions) Run(string id)
        {
            var (slate, candidates) = ModelSlate(Enumerable.Range(0, 20), 20);
            var (result, positions) = ExplorationStage.Explore(slate, candidates, filter, videos.Count, 0.2, id);
            return (result.Select(x => candidates[x.Candidate].VideoIndex).ToArray(), positions);
        }

        var first = Run("r0123456789abcdef");
        var again = Run("r0123456789abcdef");
        Assert.NotNull(first.Positions);
        Assert.Equal(first.Videos, again.Videos);
        Assert.Equal(first.Positions, again.Positions);

        var others = Enumerable.Range(0, 20).Select(i => Run($"other-{i}")).ToList();
        Assert.Contains(others, o => !o.Videos.SequenceEqual(first.Videos));
    }
}
