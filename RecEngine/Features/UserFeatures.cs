namespace RecEngine.Features;

/// <summary>
/// Online features of one user, built from their stored events and kept current by every commit.
/// Immutable: an update publishes a new instance, so readers on the hot path take no lock.
/// </summary>
internal sealed record UserFeatures
{
    public const int MaxRecentWatches = 50;
    public const int MaxWatched = 2000;

    public required string UserId { get; init; }

    public long Impressions { get; init; }

    public long Clicks { get; init; }

    public long Watches { get; init; }

    public double WatchSeconds { get; init; }

    public long Likes { get; init; }

    public long Shares { get; init; }

    public long Skips { get; init; }

    public long Hides { get; init; }

    public DateTime? LastEventAt { get; init; }

    /// <summary>The latest watches, newest first, at most <see cref="MaxRecentWatches"/>.</summary>
    public IReadOnlyList<RecentWatch> RecentWatches { get; init; } = [];

    /// <summary>Videos the user watched (the latest <see cref="MaxWatched"/>), for filtering.</summary>
    public IReadOnlySet<string> Watched { get; init; } = new HashSet<string>();

    /// <summary>Videos the user hid; never recommended again.</summary>
    public IReadOnlySet<string> Hidden { get; init; } = new HashSet<string>();
}

internal readonly record struct RecentWatch(string VideoId, DateTime Timestamp, double WatchSeconds);
