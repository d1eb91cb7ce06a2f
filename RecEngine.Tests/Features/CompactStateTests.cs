using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;

namespace RecEngine.Tests.Features;

/// <summary>
/// The compact forms the served state takes at a million videos: the user builder's single copy of its ids, the catalog
/// lookup's loaded table under an overlay, and tag lists shared across videos.
/// </summary>
public sealed class CompactStateTests : IDisposable
{
    private readonly DataDirectory _dir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));
    private readonly RecEngineStore _store;

    public CompactStateTests() => _store = new RecEngineStore(_dir);

    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static InteractionEvent Event(EventType type, string video, int minute) =>
        new() { EventId = $"{type}-{video}-{minute}", UserId = "u", VideoId = video, Type = type, WatchSeconds = type == EventType.Watch ? 5 : 0, Timestamp = T0.AddMinutes(minute) };

    [Fact]
    public void Watched_keeps_the_latest_distinct_ids_oldest_first_and_drops_the_oldest_past_the_cap()
    {
        var builder = new UserFeatureBuilder("u");
        var n = UserFeatures.MaxWatched + 5;
        for (var i = 0; i < n; i++)
        {
            builder.Apply(Event(EventType.Watch, $"v{i}", i));
        }

        // A repeat watch of a kept video neither duplicates it nor moves it.
        builder.Apply(Event(EventType.Watch, "v10", n));
        var f = builder.Build();
        Assert.Equal(UserFeatures.MaxWatched, f.Watched.Count);
        Assert.Equal(Enumerable.Range(5, UserFeatures.MaxWatched).Select(i => $"v{i}"), f.Watched);

        // One more watch after publishing evicts the next oldest, and leaves the published list as it was.
        builder.Apply(Event(EventType.Watch, "vnew", n + 1));
        var g = builder.Build();
        Assert.Equal("v6", g.Watched[0]);
        Assert.Equal("vnew", g.Watched[^1]);
        Assert.Equal("v5", f.Watched[0]);
        Assert.Equal(UserFeatures.MaxWatched, f.Watched.Count);
    }

    [Fact]
    public void Hidden_ids_are_distinct_and_in_the_order_hidden()
    {
        var builder = new UserFeatureBuilder("u");
        builder.Apply(Event(EventType.Hide, "b", 0));
        builder.Apply(Event(EventType.Hide, "a", 1));
        builder.Apply(Event(EventType.Hide, "b", 2));
        var f = builder.Build();
        Assert.Equal(["b", "a"], f.Hidden);
        Assert.Equal(3, f.Hides);
    }

    [Fact]
    public void Catalog_lookup_sees_puts_and_removals_after_loading_and_keeps_one_id_string()
    {
        var service = new CatalogService(_store, new CatalogIndex(_store));
        service.UpsertVideos([new Video { Id = "v1", DurationSeconds = 60 }, new Video { Id = "v2", DurationSeconds = 120 }]);
        var index = new CatalogIndex(_store); // loads from the store on first use
        Assert.True(index.TryGetVideoDuration("v1", out var d1));
        Assert.Equal(60, d1);
        Assert.Equal(2, index.VideoCount);
        var shared = index.InternVideoId(new string("v1".AsSpan()));

        index.Put(new Video { Id = new string("v1".AsSpan()), DurationSeconds = 90 }); // a re-put: new duration, same string
        index.Put(new Video { Id = "v3", DurationSeconds = 30 });
        index.RemoveVideo("v2");
        Assert.True(index.TryGetVideoDuration("v1", out d1));
        Assert.Equal(90, d1);
        Assert.Same(shared, index.InternVideoId(new string("v1".AsSpan())));
        Assert.True(index.TryGetVideoDuration("v3", out _));
        Assert.False(index.TryGetVideoDuration("v2", out _));
        var gone = new string("v2".AsSpan());
        Assert.Same(gone, index.InternVideoId(gone));
        Assert.Equal(2, index.VideoCount);

        index.RemoveVideo("v2"); // removing twice changes nothing
        index.Put(new Video { Id = "v2", DurationSeconds = 10 });
        Assert.Equal(3, index.VideoCount);
        Assert.True(index.TryGetVideoDuration("v2", out var d2));
        Assert.Equal(10, d2);
    }

    [Fact]
    public void Catalog_lookup_folds_a_large_overlay_without_losing_or_changing_an_entry()
    {
        var index = new CatalogIndex(_store);
        Assert.Equal(0, index.VideoCount);
        const int count = 10_000; // past the fold threshold of 4,096 changes
        for (var i = 0; i < count; i++)
        {
            index.Put(new Video { Id = $"v{i}", DurationSeconds = i + 1 });
        }

        for (var i = 0; i < count; i += 2)
        {
            index.RemoveVideo($"v{i}");
        }

        Assert.Equal(count / 2, index.VideoCount);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i % 2 == 1, index.TryGetVideoDuration($"v{i}", out var d));
            if (i % 2 == 1)
            {
                Assert.Equal(i + 1, d);
            }
        }
    }

    [Fact]
    public void Videos_with_the_same_tags_share_one_tag_list()
    {
        var videos = VideoSnapshot.FromVideos(
        [
            new Video { Id = "a", Tags = ["music", "topic-1"] },
            new Video { Id = "b", Tags = ["music", "topic-1"] },
            new Video { Id = "c", Tags = [new string("music".AsSpan()), "topic-2"] }, // its own copy of the tag
            new Video { Id = "d", Tags = ["music\u001ftopic-1"] }, // joins to the same key as a's list, but is another list
        ], T0);
        Assert.Same(videos.Tags[0], videos.Tags[1]);
        Assert.NotSame(videos.Tags[0], videos.Tags[2]);
        Assert.Same(videos.Tags[0][0], videos.Tags[2][0]);
        Assert.Equal(["music\u001ftopic-1"], videos.Tags[3]);
        Assert.Equal(["music", "topic-2"], videos.Tags[2]);
    }

    public void Dispose()
    {
        _store.Dispose();
        try
        {
            Directory.Delete(_dir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class Utf8ColumnTests
{
    [Fact]
    public void Reads_back_every_value_as_written_including_empty_and_non_ascii()
    {
        string?[] values = ["Amélie (2001)", "", null, "東京物語", "😀 emoji", "plain"];
        var column = new Utf8Column(values);
        Assert.Equal(values.Length, column.Count);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i] ?? "", column[i]);
        }

        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("東京物語"), column.Utf8(3).ToArray());
    }
}
