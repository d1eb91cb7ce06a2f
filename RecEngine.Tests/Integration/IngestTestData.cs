using RecEngine.Catalog;
using RecEngine.Events;

namespace RecEngine.Tests.Integration;

/// <summary>A small catalog and well-formed events over it, for ingestion tests.</summary>
internal static class IngestTestData
{
    public static readonly DateTime Epoch = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);

    public static string UserId(int i) => $"u{i}";

    public static string VideoId(int i) => $"v{i}";

    /// <summary>Users <c>u0..</c> and videos <c>v0..</c> (60 s long each) through the catalog service.</summary>
    public static void Seed(CatalogService catalog, int users, int videos)
    {
        catalog.UpsertUsers(Enumerable.Range(0, users).Select(i => new User
        {
            Id = UserId(i),
            Country = "US",
            Device = User.Devices[i % User.Devices.Length],
            SignedUpAt = Epoch.AddDays(-30),
        }));
        catalog.UpsertVideos(Enumerable.Range(0, videos).Select(i => new Video
        {
            Id = VideoId(i),
            Title = $"Video {i}",
            Category = "music",
            CreatorId = $"c{i % 7}",
            DurationSeconds = 60,
            UploadedAt = Epoch.AddDays(-10),
        }));
    }

    /// <summary>Seeds the catalog straight into the LiteDB file of a data directory no process holds.</summary>
    public static void SeedDataDirectory(string dataDir, int users, int videos)
    {
        using var store = new RecEngineStore(new RecEngine.Hosting.DataDirectory(dataDir));
        Seed(new CatalogService(store, new CatalogIndex(store)), users, videos);
    }

    /// <summary>Valid events with ids <c>{prefix}-{i}</c>, spread over <paramref name="users"/> users and <paramref name="videos"/> videos.</summary>
    public static List<EventInput> Events(string prefix, int count, int users, int videos) =>
        Enumerable.Range(0, count).Select(i => new EventInput
        {
            EventId = $"{prefix}-{i}",
            UserId = UserId(i % users),
            VideoId = VideoId((i * 7) % videos),
            Type = i % 3 == 0 ? "watch" : "impression",
            WatchSeconds = i % 3 == 0 ? 30 : 0,
            Timestamp = Epoch.AddSeconds(i),
            Device = "mobile",
        }).ToList();
}
