using RecEngine.Catalog;

namespace RecEngine.Simulation;

/// <summary>
/// The hidden state of the synthetic platform: taste vectors, quality, durations, upload times, activity.
/// Simulation and evaluation code read it; models never do (they see only the catalog and the events).
/// Videos are numbered in upload order, so the videos available at a time are a prefix of the arrays.
/// Build one with <see cref="GroundTruthBuilder"/>.
/// </summary>
internal sealed class GroundTruth
{
    internal GroundTruth(SimulationOptions options, Scenario scenario, DateTime start, int topics)
    {
        Options = options;
        Scenario = scenario;
        Start = start;
        Topics = topics;
    }

    public SimulationOptions Options { get; }

    public Scenario Scenario { get; }

    /// <summary>Midnight UTC of day 0.</summary>
    public DateTime Start { get; }

    public int Topics { get; }

    public int Days => Options.Days;

    /// <summary>Regular categories, then the flood category (present even when no video uses it).</summary>
    public CategoryProfile[] Categories { get; internal set; } = [];

    /// <summary>Unit taste centre per category, <see cref="Topics"/> floats each.</summary>
    public float[] CategoryCentres { get; internal set; } = [];

    public int CreatorCount { get; internal set; }

    public int VideoCount => VideoIds.Length;

    public string[] VideoIds { get; internal set; } = [];

    /// <summary>Unit taste vector per video, <see cref="Topics"/> floats each.</summary>
    public float[] VideoTaste { get; internal set; } = [];

    /// <summary>Centred log-quality; exp(quality) is Pareto distributed (heavy-tailed appeal).</summary>
    public float[] Quality { get; internal set; } = [];

    public float[] DurationSeconds { get; internal set; } = [];

    /// <summary>Upload time in days since <see cref="Start"/> (negative: before day 0), ascending.</summary>
    public double[] UploadDay { get; internal set; } = [];

    public short[] VideoCategory { get; internal set; } = [];

    public int[] VideoCreator { get; internal set; } = [];

    /// <summary>Views a video had before day 0 (the platform knows them; the logging policy starts from them).</summary>
    public int[] LegacyViews { get; internal set; } = [];

    public int UserCount => UserIds.Length;

    public string[] UserIds { get; internal set; } = [];

    /// <summary>Unit taste vector per user, <see cref="Topics"/> floats each.</summary>
    public float[] UserTaste { get; internal set; } = [];

    /// <summary>Mean sessions per day; log-normal across users (a few heavy users, many light ones).</summary>
    public float[] Activity { get; internal set; } = [];

    /// <summary>Per-user click propensity added to every click logit.</summary>
    public float[] ClickBias { get; internal set; } = [];

    /// <summary>Index into <see cref="User.Devices"/>: the device a user mostly uses.</summary>
    public byte[] PrimaryDevice { get; internal set; } = [];

    public byte[] Country { get; internal set; } = [];

    public byte[] AgeBucket { get; internal set; } = [];

    public DateTime[] SignedUpAt { get; internal set; } = [];

    /// <summary>Cumulative count of videos uploaded before the start of each day 0..Days (length Days + 1).</summary>
    public int[] AvailableAtDayStart { get; internal set; } = [];

    public int FloodCategory => Categories.Length - 1;

    public ReadOnlySpan<float> UserVector(int user) => UserTaste.AsSpan(user * Topics, Topics);

    public ReadOnlySpan<float> VideoVector(int video) => VideoTaste.AsSpan(video * Topics, Topics);

    public ReadOnlySpan<float> CategoryCentre(int category) => CategoryCentres.AsSpan(category * Topics, Topics);

    public DateTime DayStart(int day) => Start.AddDays(day);

    public DateTime UploadedAt(int video) => Start.AddMilliseconds(Math.Round(UploadDay[video] * 86_400_000));

    /// <summary>Videos uploaded before <paramref name="at"/>: they are the indices 0..count-1.</summary>
    public int AvailableAt(DateTime at)
    {
        var day = (at - Start).TotalDays;
        var index = Array.BinarySearch(UploadDay, day);
        return index >= 0 ? index : ~index;
    }

    /// <summary>The index of a video id (<c>v123</c>), or -1 when it is not a video of this world.</summary>
    public int VideoIndex(string videoId) => ParseIndex(videoId, 'v', VideoIds);

    public int UserIndex(string userId) => ParseIndex(userId, 'u', UserIds);

    public Video ToVideo(int video)
    {
        var category = Categories[VideoCategory[video]].Name;
        return new Video
        {
            Id = VideoIds[video],
            Title = $"{char.ToUpperInvariant(category[0])}{category[1..]} #{video}",
            Category = category,
            Tags = [category, $"topic-{TopTopic(video)}"],
            CreatorId = $"c{VideoCreator[video]}",
            // Whole tenths of a second, so the JSON shows 57.1 rather than the float 57.09999847.
            DurationSeconds = Math.Round(DurationSeconds[video], 1),
            UploadedAt = UploadedAt(video),
            Available = true,
        };
    }

    public User ToUser(int user) => new()
    {
        Id = UserIds[user],
        Country = WorldTables.Countries[Country[user]].Code,
        Device = User.Devices[PrimaryDevice[user]],
        SignedUpAt = SignedUpAt[user],
        AgeBucket = User.AgeBuckets[AgeBucket[user]],
    };

    private int TopTopic(int video)
    {
        var v = VideoVector(video);
        var best = 0;
        for (var t = 1; t < v.Length; t++)
        {
            if (v[t] > v[best])
            {
                best = t;
            }
        }

        return best;
    }

    // Ids are the prefix and the index, so parsing beats a dictionary of a million strings; the final
    // comparison rejects look-alikes such as "v007".
    private static int ParseIndex(string id, char prefix, string[] ids) =>
        id.Length > 1 && id[0] == prefix
        && int.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)
        && i < ids.Length && string.Equals(ids[i], id, StringComparison.Ordinal)
            ? i
            : -1;
}
