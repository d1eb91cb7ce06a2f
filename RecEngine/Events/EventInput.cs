namespace RecEngine.Events;

/// <summary>An event as a client sends it: everything optional, so validation can name each missing field.</summary>
public sealed class EventInput
{
    public string? EventId { get; set; }

    public string? UserId { get; set; }

    public string? VideoId { get; set; }

    public string? Type { get; set; }

    public double? WatchSeconds { get; set; }

    public DateTime? Timestamp { get; set; }

    public string? Device { get; set; }

    public int? Hour { get; set; }

    public string? RequestId { get; set; }

    public int? Position { get; set; }

    /// <summary>The API's object of a stored event (the shape <c>POST /v1/events</c> takes).</summary>
    internal static EventInput From(InteractionEvent e) => new()
    {
        EventId = e.EventId,
        UserId = e.UserId,
        VideoId = e.VideoId,
        Type = e.Type.ToString().ToLowerInvariant(),
        WatchSeconds = e.WatchSeconds,
        Timestamp = e.Timestamp,
        Device = e.Device,
        Hour = e.Hour,
        RequestId = e.RequestId,
        Position = e.Position,
    };
}
