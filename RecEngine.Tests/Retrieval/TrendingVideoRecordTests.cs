using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Tests.Retrieval;

/// <summary>The per-video impressions, watches and smoothed watch rate that the ranker reads from the trending index.</summary>
public sealed class TrendingVideoRecordTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Counts_impressions_and_watches_per_video_and_shrinks_the_rate_toward_the_window()
    {
        var videos = VideoSnapshot.FromVideos(Enumerable.Range(0, 4).Select(i => new Video
        {
            Id = $"v{i}", Title = $"t{i}", Category = "c", CreatorId = "cr", DurationSeconds = 100, UploadedAt = Now.AddDays(-1), Available = true,
        }), Now);
        var n = 0;
        InteractionEvent Event(int video, EventType type) => new()
        {
            EventId = $"e{n++}", UserId = "u", VideoId = videos.Ids[video], Type = type, WatchSeconds = type == EventType.Watch ? 50 : 0, Timestamp = Now.AddHours(-1),
        };

        // Video 0: shown 10 times, watched 5. Video 1: shown 30 times, watched 0. Video 2: never shown. Unknown ids are skipped.
        var events = Enumerable.Repeat(0, 10).Select(_ => Event(0, EventType.Impression))
            .Concat(Enumerable.Repeat(0, 5).Select(_ => Event(0, EventType.Watch)))
            .Concat(Enumerable.Repeat(0, 30).Select(_ => Event(1, EventType.Impression)))
            .Append(Event(0, EventType.Like))
            .Append(new InteractionEvent { EventId = "x", UserId = "u", VideoId = "unknown", Type = EventType.Impression, Timestamp = Now })
            .ToList();
        var trending = TrendingIndex.Build(events, videos, Now, TimeSpan.FromDays(1));

        Assert.Equal((10, 5), (trending.Impressions(0), trending.Watches(0)));
        Assert.Equal((30, 0), (trending.Impressions(1), trending.Watches(1)));
        Assert.Equal((0, 0), (trending.Impressions(2), trending.Watches(2)));
        Assert.Equal((0, 0), (trending.Impressions(-1), trending.Impressions(99)));
        Assert.Equal(5 / 40.0, trending.WatchRate, 12);
        Assert.Equal((5 + (20 * 0.125)) / (10 + 20), trending.SmoothedWatchRate(0), 12);
        Assert.Equal(20 * 0.125 / (30 + 20), trending.SmoothedWatchRate(1), 12);
        Assert.Equal(0.125, trending.SmoothedWatchRate(2), 12); // no record: the window's rate
        Assert.Equal(0, TrendingIndex.Empty(videos).SmoothedWatchRate(0));
    }
}
