using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Tests.Training.Evaluation;

/// <summary>Hand-made catalogs and events for the evaluation tests.</summary>
internal static class EvaluationTestData
{
    public static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    public static VideoSnapshot Videos(params string[] ids) => VideoSnapshot.FromVideos(
        ids.Select(id => new Video
        {
            Id = id,
            Title = id,
            Category = "c",
            CreatorId = "cr",
            DurationSeconds = 100,
            UploadedAt = T0.AddDays(-1),
            Available = true,
        }), T0);

    public static InteractionEvent Event(string user, string video, double minutes, EventType type = EventType.Watch, string? id = null) => new()
    {
        EventId = id ?? $"{user}-{video}-{type}-{minutes}",
        UserId = user,
        VideoId = video,
        Type = type,
        WatchSeconds = type == EventType.Watch ? 60 : 0,
        Timestamp = T0.AddMinutes(minutes),
        Hour = T0.AddMinutes(minutes).Hour,
    };
}
