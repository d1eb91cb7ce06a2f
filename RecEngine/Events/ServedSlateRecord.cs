using System.Globalization;
using LiteDB;

namespace RecEngine.Events;

/// <summary>
/// One served slate, as the server's impression log stores it (LiteDB collection <c>slates</c>): one document per
/// request instead of one impression event per video, so logging 200 slates a second is 200 small inserts, not
/// 4,000. Readers of the event stream (<see cref="EventStore.InWindow"/>, the commit listeners) see it expanded
/// into its impression events, <see cref="Impressions"/>, so training and monitoring join watches to it by request id
/// exactly as they would to stored impression events.
/// </summary>
internal sealed class ServedSlateRecord
{
    [BsonId]
    public string RequestId { get; set; } = "";

    public string UserId { get; set; } = "";

    /// <summary>The model version that ranked the slate; null when none served (popularity slate).</summary>
    public string? ModelVersion { get; set; }

    public DateTime Timestamp { get; set; }

    /// <summary>The user's local hour the slate was scored for (UTC's when the user's events give no offset).</summary>
    public int Hour { get; set; }

    /// <summary>The device the slate was scored for; null when neither the request nor the user's events named one.</summary>
    public string? Device { get; set; }

    /// <summary>The videos shown, in slate order (position = index).</summary>
    public string[] VideoIds { get; set; } = [];

    /// <summary>The score each video was ordered by (same order); null when the slate was not ranked (degraded).</summary>
    public float[]? Scores { get; set; }

    /// <summary>
    /// Slate positions filled at random by the serving pipeline's exploration (ascending), independent of any model;
    /// null when none were. Their impressions say <see cref="InteractionEvent.Explored"/>.
    /// </summary>
    public int[]? ExploredPositions { get; set; }

    /// <summary>Impression event id of a slate position: <c>{request_id}:{position}</c>, the id a client logging the same showing uses.</summary>
    public static string ImpressionId(string requestId, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"{requestId}:{position}");

    /// <summary>The slate as impression events, one per position, in slate order.</summary>
    public IEnumerable<InteractionEvent> Impressions()
    {
        for (var position = 0; position < VideoIds.Length; position++)
        {
            yield return new InteractionEvent
            {
                EventId = ImpressionId(RequestId, position),
                UserId = UserId,
                VideoId = VideoIds[position],
                Type = EventType.Impression,
                Timestamp = Timestamp,
                Hour = Hour,
                Device = Device,
                RequestId = RequestId,
                Position = position,
                ModelVersion = ModelVersion,
                Explored = ExploredPositions is { } explored && Array.IndexOf(explored, position) >= 0 ? true : null,
            };
        }
    }
}
