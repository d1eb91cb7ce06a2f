using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Tests.Serving;

public sealed class OrderStageTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>Videos v00..v11: categories a/b/c by index % 3, creators c0..c5 by index % 6, all uploaded long ago unless told.</summary>
    private static VideoSnapshot Videos(int count = 12, Func<int, DateTime>? uploaded = null) => VideoSnapshot.FromVideos(
        Enumerable.Range(0, count).Select(i => new Video
        {
            Id = $"v{i:D2}",
            Title = $"Video {i}",
            Category = "abc"[i % 3].ToString(),
            CreatorId = $"c{i % 6}",
            DurationSeconds = 60,
            UploadedAt = uploaded?.Invoke(i) ?? Now.AddDays(-100),
        }),
        Now);

    private static OrderStage Stage(ServingOptions options) => new(Options.Create(options));

    [Fact]
    public void WithoutCapsTheSlateIsTheTopKByScore()
    {
        var videos = Videos();
        var indexes = Enumerable.Range(0, 12).ToArray();
        var scores = indexes.Select(i => (float)((i * 7) % 12)).ToArray();

        var slate = Stage(new ServingOptions { MaxCategoryShare = 1, MaxPerCreator = 0, FreshnessBoost = 0 }).Order(indexes, scores, videos, Now, 5);

        var expected = indexes.OrderByDescending(i => scores[i]).Take(5).ToList();
        Assert.Equal(expected, slate.Select(r => r.Candidate));
        Assert.Equal(expected.Select(i => (float?)scores[i]), slate.Select(r => r.Score));
    }

    [Fact]
    public void CapsLimitEachCategoryAndCreatorWhileCandidatesAllowIt()
    {
        var videos = Videos();
        var indexes = Enumerable.Range(0, 12).ToArray();
        // Category a (indexes 0, 3, 6, 9) scores highest, so an uncapped slate would be all a.
        var scores = indexes.Select(i => i % 3 == 0 ? 100f - i : 10f - (i / 10f)).ToArray();

        var slate = Stage(new ServingOptions { MaxCategoryShare = 0.34, MaxPerCreator = 1, FreshnessBoost = 0 }).Order(indexes, scores, videos, Now, 6);

        Assert.Equal(6, slate.Count);
        var shown = slate.Select(r => indexes[r.Candidate]).ToList();
        Assert.All(shown.GroupBy(v => videos.CategoryIndex[v]), g => Assert.True(g.Count() <= 3, $"category {g.Key}: {g.Count()}"));
        Assert.All(shown.GroupBy(v => videos.CreatorIndex[v]), g => Assert.True(g.Count() <= 1, $"creator {g.Key}: {g.Count()}"));
        Assert.Equal(0, shown[0]);
    }

    [Fact]
    public void CapsThatCannotBeMetAreRelaxedSoTheSlateIsFull()
    {
        var videos = Videos();
        // Only category a: the category cap (1 of 4) cannot hold, the creator cap (c0, c3) can for two videos.
        var indexes = new[] { 0, 3, 6, 9 };
        var scores = new[] { 4f, 3f, 2f, 1f };

        var slate = Stage(new ServingOptions { MaxCategoryShare = 0.25, MaxPerCreator = 1, FreshnessBoost = 0 }).Order(indexes, scores, videos, Now, 4);

        // Pass 1: v0 (category cap reached). Pass 2, creator cap only: v3 (c3); v6 is c0 again, v9 is c3 again. Pass 3: v6, v9.
        Assert.Equal([0, 1, 2, 3], slate.Select(r => r.Candidate));
    }

    [Fact]
    public void FreshnessBoostLiftsANewUploadOverASlightlyBetterOldOne()
    {
        var videos = Videos(2, i => i == 0 ? Now.AddDays(-30) : Now.AddHours(-1));
        var scores = new[] { 1.05f, 1.0f };
        var options = new ServingOptions { MaxCategoryShare = 1, MaxPerCreator = 0, FreshnessBoost = 0.1, FreshnessHalfLife = TimeSpan.FromHours(24) };
        var stage = Stage(options);

        var slate = stage.Order([0, 1], scores, videos, Now, 2);

        Assert.Equal([1, 0], slate.Select(r => r.Candidate));
        Assert.Equal(1 + (0.1 * Math.Pow(2, -1.0 / 24)), stage.FreshnessMultiplier(TimeSpan.FromHours(1)), 5);
        Assert.Equal(1.05, slate[1].Score!.Value, 3);
        Assert.Equal(1f, Stage(options with { FreshnessBoost = 0 }).FreshnessMultiplier(TimeSpan.Zero));
    }

    [Fact]
    public void UnscoredCandidatesKeepRetrievalOrder()
    {
        var videos = Videos();
        var indexes = new[] { 5, 1, 4, 2 };

        var slate = Stage(new ServingOptions { MaxCategoryShare = 1, MaxPerCreator = 0 }).Order(indexes, null, videos, Now, 3);

        Assert.Equal([0, 1, 2], slate.Select(r => r.Candidate));
        Assert.All(slate, r => Assert.Null(r.Score));
    }
}
