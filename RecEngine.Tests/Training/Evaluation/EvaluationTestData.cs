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

    /// <summary>24 videos, v0-v23, for <see cref="TasteGroups"/>.</summary>
    public static readonly VideoSnapshot TasteGroupVideos = Videos([.. Enumerable.Range(0, 24).Select(i => $"v{i}")]);

    /// <summary>
    /// 18 users in three taste groups (group g watches videos 3i + g), 10 watches each: 8 of their group and 2 others, a
    /// few minutes apart and interleaved across users; time-ordered.
    /// </summary>
    public static List<InteractionEvent> TasteGroups()
    {
        var rng = new Random(5);
        var events = new List<InteractionEvent>();
        for (var u = 0; u < 18; u++)
        {
            var group = u % 3;
            var videos = Enumerable.Range(0, 8).Select(i => (3 * i) + group).OrderBy(_ => rng.Next()).ToList();
            videos.AddRange(Enumerable.Range(0, 24).OrderBy(_ => rng.Next()).Where(v => !videos.Contains(v)).Take(2));
            for (var i = 0; i < videos.Count; i++)
            {
                events.Add(Event($"u{u}", $"v{videos[i]}", (i * 60) + u, id: $"u{u}-{i}"));
            }
        }

        return [.. events.OrderBy(e => e.Timestamp)];
    }
}
