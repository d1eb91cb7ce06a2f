using LiteDB;

namespace RecEngine.Events;

/// <summary>One interaction, as stored in the LiteDB collection <c>events</c>. The event id is the primary key, so a retried event is stored once.</summary>
internal sealed class InteractionEvent
{
    [BsonId]
    public string EventId { get; set; } = "";

    public string UserId { get; set; } = "";

    public string VideoId { get; set; } = "";

    public EventType Type { get; set; }

    public double WatchSeconds { get; set; }

    public DateTime Timestamp { get; set; }

    /// <summary>Context: the device the event came from (mobile, desktop, tablet, tv), if known.</summary>
    public string? Device { get; set; }

    /// <summary>Context: hour of day 0-23 (UTC unless the client says otherwise).</summary>
    public int Hour { get; set; }

    /// <summary>The request id of the slate this video was shown in, if it came from one.</summary>
    public string? RequestId { get; set; }

    /// <summary>Zero-based position in that slate.</summary>
    public int? Position { get; set; }

    /// <summary>The model version that ranked the slate (impressions the server logs; null when none served or unknown).</summary>
    public string? ModelVersion { get; set; }

    /// <summary>
    /// True on an impression whose video the serving pipeline's exploration drew at random (independent of any
    /// model), which exploration validation compares models on; null otherwise (not stored).
    /// </summary>
    public bool? Explored { get; set; }
}
