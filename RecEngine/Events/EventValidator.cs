using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Events;

/// <summary>
/// Checks every field of every event in a batch against the catalog. Errors are keyed
/// <c>[index].field</c>, so a client sees each bad event; a batch with any error is written not at all.
/// </summary>
internal sealed class EventValidator(CatalogIndex catalog, TimeProvider time, IOptions<EventsOptions> options)
{
    /// <summary>Events whose watch time exceeds this many times the video's duration are rejected.</summary>
    public const double MaxWatchToDuration = 10;

    private static readonly DateTime Earliest = new(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public (List<InteractionEvent> Events, ValidationErrors Errors) Validate(IReadOnlyList<EventInput?> inputs)
    {
        var errors = new ValidationErrors();
        var events = new List<InteractionEvent>(inputs.Count);
        var latest = time.GetUtcNow().UtcDateTime + options.Value.ClockSkew;
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input is null)
            {
                errors.Item = null;
                errors.Add($"[{i}]", "must be an event object, not null.");
                continue;
            }

            errors.Item = inputs.Count == 1 ? null : i;
            var before = errors.Count;
            var ev = Validate(input, latest, errors);
            if (errors.Count == before)
            {
                events.Add(ev);
            }
        }

        errors.Item = null;
        return (events, errors);
    }

    private InteractionEvent Validate(EventInput input, DateTime latest, ValidationErrors errors)
    {
        errors.RequireId("event_id", input.EventId);
        if (errors.RequireId("user_id", input.UserId) && !catalog.UserExists(input.UserId!))
        {
            errors.Add("user_id", $"unknown user '{input.UserId}'.");
        }

        var duration = 0d;
        if (errors.RequireId("video_id", input.VideoId) && !catalog.TryGetVideoDuration(input.VideoId!, out duration))
        {
            errors.Add("video_id", $"unknown video '{input.VideoId}'.");
        }

        EventType type = default;
        if (string.IsNullOrEmpty(input.Type))
        {
            errors.Add("type", "is required.");
        }
        else if (!TryParseType(input.Type, out type))
        {
            errors.Add("type", "must be one of impression, click, watch, like, share, skip, hide.");
        }

        var watch = input.WatchSeconds ?? 0;
        if (!double.IsFinite(watch) || watch < 0)
        {
            errors.Add("watch_seconds", "must be zero or more.");
        }
        else if (duration > 0 && watch > MaxWatchToDuration * duration)
        {
            errors.Add("watch_seconds", $"must be at most {MaxWatchToDuration}x the video's duration ({duration:0.#} s).");
        }

        // LiteDB keeps milliseconds: truncate here so what listeners see equals what a reload reads.
        var timestamp = input.Timestamp is { } ts ? TruncateToMilliseconds(ts.ToUniversalTime()) : default;
        if (input.Timestamp is null)
        {
            errors.Add("timestamp", "is required (ISO 8601, UTC).");
        }
        else if (timestamp > latest)
        {
            errors.Add("timestamp", "is in the future beyond the allowed clock skew.");
        }
        else if (timestamp < Earliest)
        {
            errors.Add("timestamp", "is before 1990.");
        }

        if (input.Device is not null && !User.Devices.Contains(input.Device))
        {
            errors.Add("device", $"must be one of {string.Join(", ", User.Devices)}.");
        }

        if (input.Hour is < 0 or > 23)
        {
            errors.Add("hour", "must be 0-23.");
        }

        if (input.RequestId is not null)
        {
            errors.RequireId("request_id", input.RequestId);
        }

        if (input.Position is < 0 or > 10_000)
        {
            errors.Add("position", "must be 0-10000.");
        }

        return new InteractionEvent
        {
            EventId = input.EventId ?? "",
            UserId = input.UserId ?? "",
            VideoId = input.VideoId ?? "",
            Type = type,
            WatchSeconds = watch,
            Timestamp = timestamp,
            Device = input.Device,
            Hour = input.Hour ?? timestamp.Hour,
            RequestId = input.RequestId,
            Position = input.Position,
        };
    }

    private static DateTime TruncateToMilliseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    /// <summary>
    /// Exactly one of the names, any case. Not <see cref="Enum.TryParse(Type, string?, bool, out object?)"/>: it takes
    /// comma lists ("click,watch" is Click|Watch, which is Like) and numbers ("2"), which are not event types.
    /// </summary>
    internal static bool TryParseType(string value, out EventType type)
    {
        foreach (var candidate in Enum.GetValues<EventType>())
        {
            if (string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
