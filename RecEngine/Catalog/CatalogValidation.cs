using RecEngine.Hosting;

namespace RecEngine.Catalog;

/// <summary>Rules for videos and users written through the API or an import.</summary>
internal static class CatalogValidation
{
    public const double MaxDurationSeconds = 24 * 3600;

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static ValidationErrors Validate(Video video, DateTime utcNow)
    {
        var errors = new ValidationErrors();
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

    public static ValidationErrors Validate(User user, DateTime utcNow)
    {
        var errors = new ValidationErrors();
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
}
