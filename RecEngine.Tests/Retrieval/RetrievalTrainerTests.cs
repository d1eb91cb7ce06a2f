using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Tests.Retrieval;

public sealed class RetrievalTrainerTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Two tastes: users of group g watch only category g. Videos 20-39 also have new uploads nobody watched.</summary>
    private static (VideoSnapshot Videos, List<InteractionEvent> Events) World()
    {
        var videos = VideoSnapshot.FromVideos(Enumerable.Range(0, 44).Select(i => new Video
        {
            Id = $"v{i:D2}",
            Title = $"t{i}",
            Category = i < 20 ? "cats" : i < 40 ? "cars" : i < 42 ? "cats" : "cars",
            Tags = [i < 20 || i is 40 or 41 ? "meow" : "vroom"],
            CreatorId = i < 20 || i is 40 or 41 ? "catlady" : "mechanic",
            DurationSeconds = 100,
            UploadedAt = Now.AddDays(-10),
        }), Now);
        var rng = new Random(5);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 60; u++)
        {
            var offset = u % 2 == 0 ? 0 : 20;
            foreach (var v in Enumerable.Range(offset, 20).OrderBy(_ => rng.Next()).Take(8))
            {
                events.Add(new InteractionEvent
                {
                    EventId = $"e{u}-{v}", UserId = $"u{u}", VideoId = $"v{v:D2}", Type = EventType.Watch,
                    WatchSeconds = 60 + rng.Next(40), Timestamp = Now.AddDays(-1),
                });
            }
        }

        return (videos, events);
    }

    private static RetrievalModel Train(VideoSnapshot videos, List<InteractionEvent> events) =>
        RetrievalTrainer.Train(events, videos, new AlsOptions { Factors = 8, Iterations = 10, Threads = 2 }, new VectorIndexOptions());

    [Fact]
    public void InteractionsAggregatePositiveEngagementPerUserAndVideo()
    {
        var (videos, _) = World();
        var events = new List<InteractionEvent>
        {
            new() { EventId = "1", UserId = "a", VideoId = "v00", Type = EventType.Watch, WatchSeconds = 50, Timestamp = Now },
            new() { EventId = "2", UserId = "a", VideoId = "v00", Type = EventType.Like, Timestamp = Now },
            new() { EventId = "3", UserId = "a", VideoId = "v01", Type = EventType.Impression, Timestamp = Now },
            new() { EventId = "4", UserId = "b", VideoId = "nope", Type = EventType.Watch, WatchSeconds = 50, Timestamp = Now },
        };

        var (interactions, users) = RetrievalTrainer.Interactions(events, videos, alpha: 10);

        Assert.Equal(["a"], users);
        var single = Assert.Single(interactions);
        Assert.Equal(0, single.Item);
        Assert.Equal(1 + (10 * (0.5 + 2.0)), single.Confidence, 4);
    }

    [Fact]
    public void InteractionsComeOutByUserThenVideoWithRepeatsSummedWhateverTheEventOrder()
    {
        var (videos, _) = World();
        InteractionEvent Watch(string user, string video, double seconds) =>
            new() { EventId = Guid.NewGuid().ToString("N"), UserId = user, VideoId = video, Type = EventType.Watch, WatchSeconds = seconds, Timestamp = Now };
        List<InteractionEvent> events = [Watch("b", "v07", 100), Watch("a", "v03", 20), Watch("b", "v01", 50), Watch("a", "v03", 30), Watch("b", "v07", 10)];

        var (interactions, users) = RetrievalTrainer.Interactions(events, videos, alpha: 10);

        Assert.Equal(["b", "a"], users);
        Assert.Equal([(0, 1), (0, 7), (1, 3)], interactions.Select(x => (x.User, x.Item)));
        Assert.Equal([1 + (10 * 0.5), 1 + (10 * 1.1), 1 + (10 * 0.5)], interactions.Select(x => (double)x.Confidence), (a, b) => Math.Abs(a - b) < 1e-4);
    }

    [Fact]
    public void PersonalAndItemToItemFollowTheLearnedTaste()
    {
        var (videos, events) = World();
        using var model = Train(videos, events);
        var personal = new PersonalSource(() => model);
        var itemToItem = new ItemToItemSource(() => model, seeds: 3);

        // A user of the 'cats' group, recommended from their own history with watched videos excluded.
        var history = events.Where(e => e.UserId == "u0").Select(e => new RecentWatch(e.VideoId, e.Timestamp, e.WatchSeconds)).ToList();
        var watched = history.Select(h => videos.TryGetIndex(h.VideoId, out var v) ? v : -1).ToHashSet();
        var request = new CandidateRequest { Videos = videos, Now = Now, UserVector = model.UserVector(history), Excluded = watched };
        var proposals = personal.Propose(request, 10);
        Assert.Equal(10, proposals.Count);
        Assert.DoesNotContain(proposals, p => watched.Contains(p.VideoIndex));
        Assert.True(proposals.Count(p => videos.Categories[videos.CategoryIndex[p.VideoIndex]] == "cats") >= 9, "a cat lover should get cats");

        // A brand-new user who just watched three car videos gets a vector by fold-in, and cars.
        var newcomer = new[] { "v21", "v25", "v33" }.Select(id => new RecentWatch(id, Now, 90)).ToList();
        var carsRequest = request with { UserVector = model.UserVector(newcomer), Excluded = new HashSet<int>() };
        Assert.True(personal.Propose(carsRequest, 10).Count(p => videos.Categories[videos.CategoryIndex[p.VideoIndex]] == "cars") >= 9);

        // Item-to-item from car videos stays with cars.
        var seeds = new[] { "v22", "v30" }.Select(id => videos.TryGetIndex(id, out var v) ? v : -1).ToList();
        var i2i = itemToItem.Propose(request with { RecentVideoIndexes = seeds, Excluded = seeds.ToHashSet() }, 10);
        Assert.Equal(10, i2i.Count);
        Assert.True(i2i.Count(p => videos.Categories[videos.CategoryIndex[p.VideoIndex]] == "cars") >= 9, string.Join(",", i2i.Select(p => $"{videos.Ids[p.VideoIndex]}:{p.Score:0.00}")));
    }

    [Fact]
    public void UnwatchedUploadsGetContentVectorsAndCanBeFound()
    {
        var (videos, events) = World();
        using var model = Train(videos, events);
        var newCat = videos.TryGetIndex("v40", out var v40) ? v40 : -1;
        var newCar = videos.TryGetIndex("v43", out var v43) ? v43 : -1;
        var catVector = model.Als.Items.RowArray(newCat);
        Assert.Contains(catVector, x => x != 0);

        var catFan = model.UserVector(events.Where(e => e.UserId == "u0").Select(e => new RecentWatch(e.VideoId, e.Timestamp, e.WatchSeconds)).ToList())!;
        var dot = (int v) => model.ItemDot(catFan, v);
        Assert.True(dot(newCat) > dot(newCar), "the new cat video should sit with the cats");
    }

    [Fact]
    public void ANewWatchChangesTheUserVectorWithoutRetraining()
    {
        var (videos, events) = World();
        using var model = Train(videos, events);
        var history = events.Where(e => e.UserId == "u0").Select(e => new RecentWatch(e.VideoId, e.Timestamp, e.WatchSeconds)).ToList();
        var before = model.UserVector(history)!;
        var after = model.UserVector([new RecentWatch("v30", Now, 100), .. history])!;
        Assert.NotEqual(before, after);
        Assert.Null(model.UserVector([new RecentWatch("not-in-catalog", Now, 10)]));
    }
}
