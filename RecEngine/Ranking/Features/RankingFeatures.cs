using System.Numerics.Tensors;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Ranking.Features;

/// <summary>Where and when a video is (or was) shown: the context half of a ranking example.</summary>
internal readonly record struct ImpressionContext(DateTime At, int Position, string? Device, int Hour, double ExampleAgeHours)
{
    /// <summary>
    /// A showing as serving scores and logs it: now, at position 0 and example age 0, on the requested device (else the
    /// one most of the user's events name) and at the user's local hour (their latest event's offset from UTC), as the
    /// impressions the ranker learnt from carry them. Without either, the device is missing and the hour is UTC's.
    /// </summary>
    public static ImpressionContext Serving(DateTime now, string? device, UserFeatures? features) =>
        new(now, 0, device ?? features?.Device, (now.Hour + (features?.UtcOffsetHours ?? 0)) % 24, 0);
}

/// <summary>
/// The ranker's inputs, defined once for training and serving (train/serve parity): raw values for the shared
/// <see cref="Spec"/>, which the fitted spec then imputes and normalises. Example age is the time from the
/// example to the end of the training window, and 0 when serving (Covington et al. 2016, section 3.3);
/// position is the slate position in logged data and 0 when serving, so the model learns position bias
/// without applying it.
/// </summary>
internal static class RankingFeatures
{
    public static readonly FeatureSpec Spec = new(
        [
            new NumericFeature("video_duration", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("video_age_hours", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("example_age_hours", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("position", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("user_watches", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("user_impressions", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("user_watch_seconds", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("user_watch_rate", NumericTransform.Standardize, NonNegative: true),
            new NumericFeature("user_video_dot", NumericTransform.Standardize),
            new NumericFeature("item_to_item_score", NumericTransform.Standardize),
            new NumericFeature("category_affinity", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("creator_affinity", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("trending_score", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("fresh_score", NumericTransform.Standardize, NonNegative: true),
            new NumericFeature("video_impressions", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("video_watches", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("video_watch_rate", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("co_watch_confidence", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("video_watchers", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("co_watch_share", NumericTransform.Standardize, NonNegative: true),
            // Last, so a version trained before it reads the inputs it knows (the fitted spec's count) and ignores it.
            new NumericFeature("thumbnail_affinity", NumericTransform.Standardize),
        ],
        [
            new CategoricalFeature("video_id", MaxBuckets: 1 << 17, MinCount: 2),
            new CategoricalFeature("category", MaxBuckets: 512),
            new CategoricalFeature("creator", MaxBuckets: 1 << 15, MinCount: 2),
            new CategoricalFeature("device", MaxBuckets: 16),
            new CategoricalFeature("hour", MaxBuckets: 32),
        ],
        [
            new TextFeature("title", Buckets: 1 << 14, MaxTokens: 8),
            new TextFeature("tags", Buckets: 1 << 12, MaxTokens: 8),
        ]);

    public static int NumericCount => Spec.Numeric.Count;

    /// <summary>
    /// Categorical fields before this one describe the video alone (id, category, creator), so their ids are fixed for
    /// a model version; this one and those after describe the showing (device, hour).
    /// </summary>
    public const int FirstContextCategorical = 3;

    public static int CategoricalCount => Spec.Categorical.Count;

    public static int TextCount => Spec.Text.Count;

    /// <summary>Writes a video's texts in <see cref="FeatureSpec.Text"/> order: its title, and its tags joined by spaces.</summary>
    public static void Text(int video, VideoSnapshot videos, Span<string?> text)
    {
        text[0] = videos.Titles[video];
        text[1] = videos.Tags[video].Length == 0 ? null : string.Join(' ', videos.Tags[video]);
    }

    private static readonly string[] Hours = Enumerable.Range(0, 24).Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Writes one candidate's raw values. NaN marks a missing value (for example no user vector yet).</summary>
    public static void Raw(UserContext user, int video, ImpressionContext context, VideoSnapshot videos, RetrievalModel? model, TrendingIndex trending, Span<double> numeric, Span<string?> categorical)
    {
        var f = user.Features;
        numeric[0] = videos.DurationSeconds[video];
        numeric[1] = (context.At - videos.UploadedAt[video]).TotalHours;
        numeric[2] = context.ExampleAgeHours;
        numeric[3] = context.Position;
        numeric[4] = f.Watches;
        numeric[5] = f.Impressions;
        numeric[6] = f.WatchSeconds;
        numeric[7] = f.Impressions > 0 ? (double)f.Watches / f.Impressions : double.NaN;
        numeric[8] = model is not null && user.Vector is not null ? model.ItemDot(user.Vector, video) : double.NaN;
        numeric[9] = ItemToItem(user, video, model);
        numeric[10] = user.CategoryShare.Length > videos.CategoryIndex[video] ? user.CategoryShare[videos.CategoryIndex[video]] : 0;
        numeric[11] = user.CreatorShare.GetValueOrDefault(videos.CreatorIndex[video]);
        numeric[12] = trending.Score(video);
        numeric[13] = Math.Exp(-Math.Max(0, (context.At - videos.UploadedAt[video]).TotalDays));
        // The video's own record in the recent window: how often it was shown and watched, and its smoothed
        // watch rate, the observable trace of its appeal (the strongest single predictor of P(watch | shown)).
        numeric[14] = trending.Impressions(video);
        numeric[15] = trending.Watches(video);
        numeric[16] = trending.SmoothedWatchRate(video);
        // The retrieval stage's co-occurrence signals, from the model version's own window (Covington et al. 2016,
        // section 4: the ranker takes candidate generation's scores as inputs): the summed confidence of "watched
        // after the user's latest videos", and how many users watched the video in that window.
        numeric[17] = user.CoWatch.GetValueOrDefault(video);
        numeric[18] = model is null ? double.NaN : model.CoWatch.Watchers[video];
        // The same confidence on the user's own scale (its share of their best), since the raw sum grows with the
        // number of seeds: within one slate only the order matters, and this makes it comparable across users.
        numeric[19] = user.CoWatchMax > 0 ? numeric[17] / user.CoWatchMax : 0;
        // What the thumbnail looks like, against the user's taste: the user vector against the video's projected visual
        // embedding (docs/simulation.md: the simulator's thumbnails show the video's hidden topics, plus noise).
        numeric[20] = model is not null && user.Vector is not null ? model.VisualDot(user.Vector, video) : double.NaN;

        VideoCategorical(video, videos, categorical);
        categorical[3] = context.Device;
        categorical[4] = context.Hour is >= 0 and < 24 ? Hours[context.Hour] : null;
    }

    /// <summary>Writes the video's own categorical fields, those before <see cref="FirstContextCategorical"/>.</summary>
    public static void VideoCategorical(int video, VideoSnapshot videos, Span<string?> categorical)
    {
        categorical[0] = videos.Ids[video];
        categorical[1] = videos.Categories[videos.CategoryIndex[video]];
        categorical[2] = videos.Creators[videos.CreatorIndex[video]];
    }

    private static double ItemToItem(UserContext user, int video, RetrievalModel? model)
    {
        if (model is null || user.SeedVideos.Length == 0)
        {
            return double.NaN;
        }

        Span<float> row = stackalloc float[model.Als.Factors];
        var item = model.ItemVector(video, row);
        var best = float.NegativeInfinity;
        foreach (var seed in user.SeedVideos)
        {
            best = Math.Max(best, model.ItemDot(item, seed));
        }

        return best;
    }
}
