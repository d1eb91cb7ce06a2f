using RecEngine.Hosting;

namespace RecEngine.Catalog;

/// <summary>Rules for videos and users written through the API or an import.</summary>
internal static class CatalogValidation
{
    public const double MaxDurationSeconds = 24 * 3600;

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Most videos or users one bulk <c>PUT</c> (or one import chunk) may carry, as for events.</summary>
    public const int MaxBatchSize = 10_000;

    public static ValidationErrors Validate(Video video, DateTime utcNow) => Validate(video, utcNow, new ValidationErrors());

    /// <summary>Adds the video's errors to <paramref name="errors"/> (keyed <c>[index].field</c> when its <see cref="ValidationErrors.Item"/> is set).</summary>
    public static ValidationErrors Validate(Video video, DateTime utcNow, ValidationErrors errors)
    {
        errors.RequireId("id", video.Id);
        errors.RequireText("title", video.Title, 300);
        errors.RequireText("category", video.Category, 64);
        errors.RequireId("creator_id", video.CreatorId);
        if (video.Tags is null)
        {
            errors.Add("tags", "must be an array (may be empty).");
        }
        else if (video.Tags.Length > 32)
        {
            errors.Add("tags", "at most 32 tags.");
        }
        else if (video.Tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 64))
        {
            errors.Add("tags", "each tag must be 1-64 characters.");
        }

        if (!double.IsFinite(video.DurationSeconds) || video.DurationSeconds <= 0 || video.DurationSeconds > MaxDurationSeconds)
        {
            errors.Add("duration_seconds", $"must be greater than 0 and at most {MaxDurationSeconds}.");
        }

        if (video.UploadedAt == default)
        {
            errors.Add("uploaded_at", "is required (ISO 8601 UTC).");
        }
        else if (video.UploadedAt.ToUniversalTime() > utcNow + ClockSkew)
        {
            errors.Add("uploaded_at", "must not be in the future.");
        }

        return errors;
    }

    public static ValidationErrors Validate(User user, DateTime utcNow) => Validate(user, utcNow, new ValidationErrors());

    public static ValidationErrors Validate(User user, DateTime utcNow, ValidationErrors errors)
    {
        errors.RequireId("id", user.Id);
        if (user.Country is null || user.Country.Length != 2 || !user.Country.All(char.IsAsciiLetterUpper))
        {
            errors.Add("country", "must be an ISO 3166-1 alpha-2 code in upper case, for example 'US'.");
        }

        if (!User.Devices.Contains(user.Device))
        {
            errors.Add("device", $"must be one of {string.Join(", ", User.Devices)}.");
        }

        if (!User.AgeBuckets.Contains(user.AgeBucket))
        {
            errors.Add("age_bucket", $"must be one of {string.Join(", ", User.AgeBuckets)}.");
        }

        if (user.SignedUpAt == default)
        {
            errors.Add("signed_up_at", "is required (ISO 8601 UTC).");
        }
        else if (user.SignedUpAt.ToUniversalTime() > utcNow + ClockSkew)
        {
            errors.Add("signed_up_at", "must not be in the future.");
        }

        return errors;
    }

    /// <summary>
    /// Validates a batch: each item's errors keyed <c>[index].field</c>, a null item or an id repeated in the batch
    /// named too. Returns the items normalised to UTC when the whole batch is valid.
    /// </summary>
    public static ValidationErrors ValidateBatch(IReadOnlyList<Video?> videos, DateTime utcNow) =>
        ValidateBatch(videos, "video", v => v.Id, (v, e) => Validate(v, utcNow, e), v => v.UploadedAt = v.UploadedAt.ToUniversalTime());

    public static ValidationErrors ValidateBatch(IReadOnlyList<User?> users, DateTime utcNow) =>
        ValidateBatch(users, "user", u => u.Id, (u, e) => Validate(u, utcNow, e), u => u.SignedUpAt = u.SignedUpAt.ToUniversalTime());

    private static ValidationErrors ValidateBatch<T>(IReadOnlyList<T?> items, string what, Func<T, string> id, Action<T, ValidationErrors> validate, Action<T> normalise)
        where T : class
    {
        var errors = new ValidationErrors();
        if (items.Count == 0)
        {
            errors.Add(what + "s", "must be a non-empty array.");
            return errors;
        }

        if (items.Count > MaxBatchSize)
        {
            errors.Add(what + "s", $"at most {MaxBatchSize} per request; got {items.Count}.");
            return errors;
        }

        var firstAt = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            errors.Item = i;
            var item = items[i];
            if (item is null)
            {
                errors.Item = null;
                errors.Add($"[{i}]", $"must be a {what} object, not null.");
                continue;
            }

            validate(item, errors);
            var key = id(item);
            if (!string.IsNullOrEmpty(key) && !firstAt.TryAdd(key, i))
            {
                errors.Add("id", $"repeats the id of [{firstAt[key]}]; each {what} may appear once per batch.");
            }
        }

        errors.Item = null;
        if (errors.IsValid)
        {
            foreach (var item in items)
            {
                normalise(item!);
            }
        }

        return errors;
    }
}
