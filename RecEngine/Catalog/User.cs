using LiteDB;

namespace RecEngine.Catalog;

/// <summary>A user. Stored in the LiteDB collection <c>users</c>; the same shape is the HTTP JSON.</summary>
internal sealed class User
{
    /// <summary>Age buckets a user may have.</summary>
    public static readonly string[] AgeBuckets = ["13-17", "18-24", "25-34", "35-44", "45-54", "55+", "unknown"];

    /// <summary>Devices a user or an event may name.</summary>
    public static readonly string[] Devices = ["mobile", "desktop", "tablet", "tv"];

    [BsonId]
    public string Id { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 code, upper case.</summary>
    public string Country { get; set; } = "";

    public string Device { get; set; } = "";

    public DateTime SignedUpAt { get; set; }

    public string AgeBucket { get; set; } = "unknown";
}
