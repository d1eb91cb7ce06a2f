using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Tests.Catalog;

/// <summary>LiteDB's page cache is read by reflection for <c>recengine_memory_bytes</c>; this fails if the pinned package's internals move.</summary>
public sealed class StoreCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("recengine-cache-").FullName;

    [Fact]
    public void The_page_cache_size_is_readable_and_grows_when_pages_are_read()
    {
        using var store = new RecEngineStore(new DataDirectory(_root));
        var empty = store.IsEmpty;
        Assert.True(empty);
        var before = store.CacheBytes;
        Assert.NotNull(before);

        store.Videos.InsertBulk(Enumerable.Range(0, 20_000).Select(i => new Video
        {
            Id = $"v{i:D6}",
            Title = new string('t', 200),
            Category = "c",
            CreatorId = "u",
            DurationSeconds = 60,
            UploadedAt = DateTime.UtcNow,
        }));
        Assert.Equal(20_000, store.Videos.Query().ToList().Count);

        var after = store.CacheBytes;
        Assert.NotNull(after);
        Assert.True(after > before, $"cache {before} -> {after} bytes");
        Assert.Equal(0, after % 8192);
    }

    [Fact]
    public void Reading_every_video_in_pages_holds_a_fraction_of_the_cache_one_query_holds_and_yields_the_same_order()
    {
        using (var writer = new RecEngineStore(new DataDirectory(_root)))
        {
            for (var batch = 0; batch < 10; batch++)
            {
                writer.Videos.InsertBulk(Enumerable.Range(batch * 2_000, 2_000).Select(i => new Video
                {
                    Id = $"v{(i * 7919) % 20_000:D6}",
                    Title = new string('t', 3000),
                    Category = "c",
                    CreatorId = "u",
                    DurationSeconds = 60,
                    UploadedAt = DateTime.UtcNow,
                }));
            }
        }

        List<string> whole, paged;
        long wholeCache, pagedCache;
        using (var store = new RecEngineStore(new DataDirectory(_root)))
        {
            whole = store.Videos.Query().OrderBy(v => v.Id).ToList().Select(v => v.Id).ToList();
            wholeCache = store.CacheBytes!.Value;
        }

        using (var store = new RecEngineStore(new DataDirectory(_root)))
        {
            paged = store.VideosInIdOrder(pageSize: 500).Select(v => v.Id).ToList();
            pagedCache = store.CacheBytes!.Value;
        }

        Assert.Equal(20_000, paged.Count);
        Assert.Equal(whole, paged);
        Assert.True(pagedCache * 3 < wholeCache, $"paged {pagedCache:N0} bytes against one query's {wholeCache:N0}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
