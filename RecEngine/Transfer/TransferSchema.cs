using System.Globalization;
using RecEngine.Catalog;
using RecEngine.Events;

namespace RecEngine.Transfer;

/// <summary>File formats of <c>import</c> and <c>export</c>.</summary>
internal enum TransferFormat
{
    Csv,
    Jsonl,
    Parquet,
}

/// <summary>How a column's text (CSV) is parsed and which Parquet type it has.</summary>
internal enum ColumnType
{
    Text,
    Number,
    WholeNumber,
    Boolean,
    Timestamp,

    /// <summary>A list of strings: a JSON array in JSONL, '|'-separated text in CSV and Parquet.</summary>
    Tags,
}

/// <summary>One column of a file: the API's JSON key, its type, and how it maps onto the API's object.</summary>
internal sealed record Column<T>(string Name, ColumnType Type, Func<T, object?> Get, Action<T, object?> Set);

/// <summary>
/// The columns of each kind of file. They are the HTTP API's JSON keys, so a JSONL line is exactly the body of a
/// <c>PUT</c> or <c>POST</c>, and CSV and Parquet files carry the same names (docs/api.md, "Import and export").
/// </summary>
internal static class TransferSchema
{
    public const char TagSeparator = '|';

    public static readonly IReadOnlyList<Column<Video>> Videos =
    [
        new("id", ColumnType.Text, v => v.Id, (v, x) => v.Id = (string?)x ?? ""),
        new("title", ColumnType.Text, v => v.Title, (v, x) => v.Title = (string?)x ?? ""),
        new("category", ColumnType.Text, v => v.Category, (v, x) => v.Category = (string?)x ?? ""),
        new("tags", ColumnType.Tags, v => v.Tags, (v, x) => v.Tags = (string[]?)x ?? []),
        new("creator_id", ColumnType.Text, v => v.CreatorId, (v, x) => v.CreatorId = (string?)x ?? ""),
        new("duration_seconds", ColumnType.Number, v => v.DurationSeconds, (v, x) => v.DurationSeconds = (double?)x ?? 0),
        new("uploaded_at", ColumnType.Timestamp, v => v.UploadedAt, (v, x) => v.UploadedAt = (DateTime?)x ?? default),
        new("available", ColumnType.Boolean, v => v.Available, (v, x) => v.Available = (bool?)x ?? true),
    ];

    /// <summary>The video columns of an import: those of <see cref="Videos"/> and <c>thumbnail</c>, a path to a local JPEG or PNG file.</summary>
    public static readonly IReadOnlyList<Column<VideoRow>> VideoRows =
    [
        .. Videos.Select(c => new Column<VideoRow>(c.Name, c.Type, v => c.Get(v), (v, x) => c.Set(v, x))),
        new("thumbnail", ColumnType.Text, v => v.Thumbnail, (v, x) => v.Thumbnail = (string?)x),
    ];

    public static readonly IReadOnlyList<Column<User>> Users =
    [
        new("id", ColumnType.Text, u => u.Id, (u, x) => u.Id = (string?)x ?? ""),
        new("country", ColumnType.Text, u => u.Country, (u, x) => u.Country = (string?)x ?? ""),
        new("device", ColumnType.Text, u => u.Device, (u, x) => u.Device = (string?)x ?? ""),
        new("signed_up_at", ColumnType.Timestamp, u => u.SignedUpAt, (u, x) => u.SignedUpAt = (DateTime?)x ?? default),
        new("age_bucket", ColumnType.Text, u => u.AgeBucket, (u, x) => u.AgeBucket = (string?)x ?? "unknown"),
    ];

    public static readonly IReadOnlyList<Column<EventInput>> Events =
    [
        new("event_id", ColumnType.Text, e => e.EventId, (e, x) => e.EventId = (string?)x),
        new("user_id", ColumnType.Text, e => e.UserId, (e, x) => e.UserId = (string?)x),
        new("video_id", ColumnType.Text, e => e.VideoId, (e, x) => e.VideoId = (string?)x),
        new("type", ColumnType.Text, e => e.Type, (e, x) => e.Type = (string?)x),
        new("watch_seconds", ColumnType.Number, e => e.WatchSeconds, (e, x) => e.WatchSeconds = (double?)x),
        new("timestamp", ColumnType.Timestamp, e => e.Timestamp, (e, x) => e.Timestamp = (DateTime?)x),
        new("device", ColumnType.Text, e => e.Device, (e, x) => e.Device = (string?)x),
        new("hour", ColumnType.WholeNumber, e => e.Hour, (e, x) => e.Hour = (int?)x),
        new("request_id", ColumnType.Text, e => e.RequestId, (e, x) => e.RequestId = (string?)x),
        new("position", ColumnType.WholeNumber, e => e.Position, (e, x) => e.Position = (int?)x),
    ];

    public static readonly IReadOnlyList<Column<SlateRow>> Recommendations =
    [
        new("user_id", ColumnType.Text, r => r.UserId, (r, x) => r.UserId = (string?)x ?? ""),
        new("rank", ColumnType.WholeNumber, r => r.Rank, (r, x) => r.Rank = (int?)x ?? 0),
        new("video_id", ColumnType.Text, r => r.VideoId, (r, x) => r.VideoId = (string?)x ?? ""),
        new("title", ColumnType.Text, r => r.Title, (r, x) => r.Title = (string?)x ?? ""),
        new("score", ColumnType.Number, r => r.Score, (r, x) => r.Score = (double?)x),
        new("model_version", ColumnType.Text, r => r.ModelVersion, (r, x) => r.ModelVersion = (string?)x),
    ];

    /// <summary>Parses a CSV cell; empty is null (the field is absent). False with a message when it does not parse.</summary>
    public static bool TryParse(ColumnType type, string text, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (text.Length == 0)
        {
            return true;
        }

        switch (type)
        {
            case ColumnType.Text:
                value = text;
                return true;
            case ColumnType.Tags:
                value = text.Split(TagSeparator);
                return true;
            case ColumnType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                value = d;
                return true;
            case ColumnType.WholeNumber when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i):
                value = i;
                return true;
            case ColumnType.Boolean when bool.TryParse(text, out var b):
                value = b;
                return true;
            case ColumnType.Timestamp when DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t):
                value = DateTime.SpecifyKind(t, DateTimeKind.Utc);
                return true;
        }

        error = type switch
        {
            ColumnType.Number => $"'{text}' is not a number.",
            ColumnType.WholeNumber => $"'{text}' is not an integer.",
            ColumnType.Boolean => $"'{text}' is not true or false.",
            _ => $"'{text}' is not an ISO 8601 timestamp.",
        };
        return false;
    }

    /// <summary>A value as CSV text: invariant numbers, ISO 8601 UTC timestamps, tags joined by '|'.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        string[] tags => string.Join(TagSeparator, tags),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>One video of one user's exported slate.</summary>
internal sealed class SlateRow
{
    public string UserId { get; set; } = "";

    public int Rank { get; set; }

    public string VideoId { get; set; } = "";

    public string Title { get; set; } = "";

    public double? Score { get; set; }

    public string? ModelVersion { get; set; }
}
