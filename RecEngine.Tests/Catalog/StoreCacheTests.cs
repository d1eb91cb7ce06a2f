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

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
