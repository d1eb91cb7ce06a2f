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

    /// <summary>The device most of the user's events name (one of <see cref="Catalog.User.Devices"/>), or null when none names one.</summary>
    public string? Device { get; init; }

    /// <summary>Hours the user's local time is ahead of UTC (0-23), from their latest event's hour; null before any event.</summary>
    public int? UtcOffsetHours { get; init; }

    /// <summary>The latest watches, newest first, at most <see cref="MaxRecentWatches"/>.</summary>
    public IReadOnlyList<RecentWatch> RecentWatches { get; init; } = [];

    /// <summary>Videos the user watched (the latest <see cref="MaxWatched"/> distinct ones, oldest first), for filtering.</summary>
    public IReadOnlyList<string> Watched { get; init; } = [];

    /// <summary>Videos the user hid (distinct, oldest first); never recommended again.</summary>
    public IReadOnlyList<string> Hidden { get; init; } = [];
}

internal readonly record struct RecentWatch(string VideoId, DateTime Timestamp, double WatchSeconds);
