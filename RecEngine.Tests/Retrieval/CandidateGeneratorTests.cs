using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Tests.Retrieval;

public sealed class CandidateGeneratorTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static VideoSnapshot Catalog(int n, int categories = 4) => VideoSnapshot.FromVideos(
        Enumerable.Range(0, n).Select(i => new Video
        {
            Id = $"v{i:D5}",
            Title = $"t{i}",
            Category = $"c{i % categories}",
            CreatorId = $"cr{i % 7}",
            DurationSeconds = 100,
            UploadedAt = Now.AddHours(-i),
            Available = i % 50 != 49,
        }), Now);

    /// <summary>Proposes a fixed ranked list, honouring the request's filters and the count asked.</summary>
    private sealed class ListSource(CandidateSourceKind kind, IEnumerable<int> ranked) : ICandidateSource
    {
        private readonly int[] _ranked = ranked.ToArray();

        public int Calls { get; private set; }

        public CandidateSourceKind Kind => kind;

        public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
        {
            Calls++;
            return _ranked.Where(request.Allows).Take(count).Select((v, i) => new Proposal(v, 1f / (i + 1))).ToList();
        }
    }

    private static CandidateRequest Request(VideoSnapshot videos, IReadOnlySet<int>? excluded = null) =>
        new() { Videos = videos, Now = Now, Excluded = excluded ?? new HashSet<int>() };

    [Fact]
    public void EachSourceFillsItsShareWhenAllHavePlenty()
    {
        var videos = Catalog(10_000);
        // Disjoint ranges, so every taken candidate is credited to exactly one source.
        var generator = new CandidateGenerator(
        [
            new ListSource(CandidateSourceKind.Personal, Enumerable.Range(0, 2000)),
            new ListSource(CandidateSourceKind.ItemToItem, Enumerable.Range(2000, 2000)),
            new ListSource(CandidateSourceKind.Trending, Enumerable.Range(4000, 2000)),
            new ListSource(CandidateSourceKind.Fresh, Enumerable.Range(6000, 2000)),
            new ListSource(CandidateSourceKind.CoWatch, Enumerable.Range(8000, 2000)),
        ], new CandidateOptions());

        var slate = generator.Generate(Request(videos), 500);

        // Default shares: personal 0.35, co-watch 0.25, item-to-item 0.15, trending 0.15, fresh 0.10.
        Assert.Equal(500, slate.Count);
        Assert.Equal(500, slate.Select(c => c.VideoIndex).Distinct().Count());
        Assert.Equal(175, slate.Count(c => c.ProposedBy(CandidateSourceKind.Personal)));
        Assert.Equal(125, slate.Count(c => c.ProposedBy(CandidateSourceKind.CoWatch)));
        Assert.Equal(75, slate.Count(c => c.ProposedBy(CandidateSourceKind.ItemToItem)));
        Assert.Equal(75, slate.Count(c => c.ProposedBy(CandidateSourceKind.Trending)));
        Assert.Equal(50, slate.Count(c => c.ProposedBy(CandidateSourceKind.Fresh)));
    }

    [Fact]
    public void AVideoFromTwoSourcesIsKeptOnceWithBothScores()
    {
        var videos = Catalog(1000);
        var generator = new CandidateGenerator(
        [
            new ListSource(CandidateSourceKind.Personal, Enumerable.Range(0, 400)),
            new ListSource(CandidateSourceKind.Trending, Enumerable.Range(0, 400).Reverse()),
        ], new CandidateOptions());

        var slate = generator.Generate(Request(videos), 100);

        Assert.Equal(100, slate.Count);
        Assert.Equal(100, slate.Select(c => c.VideoIndex).Distinct().Count());
        var first = slate.Single(c => c.VideoIndex == 0);
        Assert.True(first.ProposedBy(CandidateSourceKind.Personal));
        Assert.Equal(1f, first.ScoreFrom(CandidateSourceKind.Personal));
        Assert.True(float.IsNaN(first.ScoreFrom(CandidateSourceKind.Fresh)));
    }

    [Fact]
    public void ExclusionsAndUnavailableVideosNeverComeBackAndTheSlateIsStillFull()
    {
        var videos = Catalog(5000);
        var excluded = Enumerable.Range(0, 600).Where(v => v % 2 == 0).ToHashSet();
        var personal = new ListSource(CandidateSourceKind.Personal, Enumerable.Range(0, 5000));
        var generator = new CandidateGenerator([personal, new ListSource(CandidateSourceKind.Trending, Enumerable.Range(0, 5000))], new CandidateOptions());

        var slate = generator.Generate(Request(videos, excluded), 300);

        Assert.Equal(300, slate.Count);
        Assert.DoesNotContain(slate, c => excluded.Contains(c.VideoIndex));
        Assert.DoesNotContain(slate, c => !videos.Available[c.VideoIndex]);
    }

    [Fact]
    public void HeavyOverlapIsMadeUpByAskingAgain()
    {
        var videos = Catalog(5000);
        // Both sources rank the same videos: shares overlap entirely, so the first round comes up short.
        var a = new ListSource(CandidateSourceKind.Personal, Enumerable.Range(0, 5000));
        var b = new ListSource(CandidateSourceKind.ItemToItem, Enumerable.Range(0, 5000));
        var generator = new CandidateGenerator([a, b], new CandidateOptions { OverFetch = 1 });

        var slate = generator.Generate(Request(videos), 400);

        Assert.Equal(400, slate.Count);
        Assert.True(a.Calls > 1, "the generator should have asked again with a deeper over-fetch");
    }

    [Fact]
    public void AUserWithoutHistoryGetsTrendingAndFresh()
    {
        var videos = Catalog(3000);
        var events = Enumerable.Range(0, 200).Select(i => new InteractionEvent
        {
            EventId = $"e{i}", UserId = "u", VideoId = videos.Ids[2000 + (i % 40)], Type = EventType.Watch, WatchSeconds = 50, Timestamp = Now.AddHours(-1),
        }).ToList();
        var trending = TrendingIndex.Build(events, videos, Now, TimeSpan.FromDays(1));
        var generator = new CandidateGenerator(
        [
            new ListSource(CandidateSourceKind.Personal, []),
            new ListSource(CandidateSourceKind.ItemToItem, []),
            new TrendingSource(() => trending),
            new FreshSource(TimeSpan.FromDays(30), TimeSpan.FromDays(1)),
        ], new CandidateOptions());

        var slate = generator.Generate(Request(videos), 100);

        Assert.Equal(100, slate.Count);
        Assert.All(slate, c => Assert.True(c.ProposedBy(CandidateSourceKind.Trending) || c.ProposedBy(CandidateSourceKind.Fresh)));
        Assert.True(slate.Count(c => c.ProposedBy(CandidateSourceKind.Trending)) >= 39, "every trending video with engagement should make it");
    }

    [Fact]
    public void TrendingDecaysOldPopularityBelowFreshPopularity()
    {
        var videos = Catalog(10);
        InteractionEvent Watch(int v, int n, TimeSpan age) => new()
        {
            EventId = $"e{v}-{n}", UserId = "u", VideoId = videos.Ids[v], Type = EventType.Watch, WatchSeconds = 100, Timestamp = Now - age,
        };
        // Video 1: 10 watches five days ago. Video 2: 3 watches an hour ago. Video 3: 3 likes an hour ago.
        var events = Enumerable.Range(0, 10).Select(n => Watch(1, n, TimeSpan.FromDays(5)))
            .Concat(Enumerable.Range(0, 3).Select(n => Watch(2, n, TimeSpan.FromHours(1))))
            .Concat(Enumerable.Range(0, 3).Select(n => new InteractionEvent { EventId = $"l{n}", UserId = "u", VideoId = videos.Ids[3], Type = EventType.Like, Timestamp = Now.AddHours(-1) }))
            .ToList();

        var trending = TrendingIndex.Build(events, videos, Now, TimeSpan.FromDays(1));
        var ranked = trending.Ranked(new HashSet<int>()).Select(p => p.VideoIndex).ToList();

        Assert.Equal([2, 3, 1], ranked);
        var category = videos.CategoryIndex[3];
        Assert.Equal([3], trending.Ranked(new HashSet<int> { category }).Select(p => p.VideoIndex));
    }

    [Fact]
    public void FreshProposesNewestUploadsInsideTheWindow()
    {
        var videos = Catalog(100); // video i uploaded i hours ago
        var fresh = new FreshSource(TimeSpan.FromHours(10), TimeSpan.FromDays(1));

        var proposals = fresh.Propose(Request(videos, new HashSet<int> { 0 }), 50);

        Assert.Equal(Enumerable.Range(1, 10), proposals.Select(p => p.VideoIndex));
        Assert.True(proposals.Zip(proposals.Skip(1)).All(p => p.First.Score > p.Second.Score));
    }
}
