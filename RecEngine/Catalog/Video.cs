using LiteDB;

namespace RecEngine.Catalog;

/// <summary>A video of the catalog. Stored in the LiteDB collection <c>videos</c>; the same shape is the HTTP JSON. Not sealed only for the import's row (<c>Transfer.VideoRow</c>, a video and its thumbnail path).</summary>
internal class Video
{
    [BsonId]
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    public string Category { get; set; } = "";

    public string[] Tags { get; set; } = [];

    public string CreatorId { get; set; } = "";

    public double DurationSeconds { get; set; }

    public DateTime UploadedAt { get; set; }

    public bool Available { get; set; } = true;
}
