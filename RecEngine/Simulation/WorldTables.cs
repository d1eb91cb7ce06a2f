namespace RecEngine.Simulation;

/// <summary>
/// One category: how long its videos run (log-normal median and sigma), how fast they go stale (freshness
/// half-life) and how many users count it among their favourites (prior weight).
/// </summary>
internal sealed record CategoryProfile(string Name, double MedianSeconds, double DurationSigma, double HalfLifeDays, double Prior);

/// <summary>A country users come from, with its share of users and its UTC offset (for the daily cycle).</summary>
internal sealed record CountryProfile(string Code, double Share, int UtcOffsetHours);

/// <summary>The fixed tables of the synthetic platform. Numbers are plausible, not measured.</summary>
internal static class WorldTables
{
    public static readonly CategoryProfile[] Categories =
    [
        new("music", 240, 0.4, 30, 1.6),
        new("gaming", 900, 0.8, 7, 1.5),
        new("news", 180, 0.6, 1, 1.0),
        new("sports", 300, 0.7, 2, 1.1),
        new("comedy", 360, 0.7, 14, 1.3),
        new("education", 720, 0.7, 60, 0.7),
        new("science", 600, 0.7, 60, 0.6),
        new("cooking", 480, 0.6, 45, 0.8),
        new("travel", 660, 0.6, 45, 0.6),
        new("fitness", 900, 0.5, 30, 0.5),
        new("beauty", 420, 0.6, 14, 0.8),
        new("tech", 600, 0.7, 10, 0.9),
        new("film", 1800, 0.9, 30, 0.9),
        new("kids", 420, 0.8, 60, 0.6),
        new("autos", 720, 0.6, 21, 0.5),
        new("pets", 120, 0.7, 30, 0.8),
    ];

    /// <summary>The category the content-flood scenario brings in: short clips on a topic no video had before.</summary>
    public static readonly CategoryProfile FloodCategory = new("ai-shorts", 45, 0.5, 5, 0);

    /// <summary>The category whose home topic becomes popular in the taste-shift scenario.</summary>
    public const string TasteShiftCategory = "fitness";

    public static readonly CountryProfile[] Countries =
    [
        new("US", 0.22, -5), new("IN", 0.16, 5), new("BR", 0.09, -3), new("GB", 0.06, 0),
        new("DE", 0.06, 1), new("FR", 0.05, 1), new("JP", 0.06, 9), new("MX", 0.06, -6),
        new("ID", 0.07, 7), new("NG", 0.04, 1), new("CA", 0.04, -5), new("ES", 0.04, 1),
        new("KR", 0.05, 9),
    ];

    /// <summary>Share of users per <see cref="Catalog.User.AgeBuckets"/> entry (same order).</summary>
    public static readonly double[] AgeShares = [0.08, 0.22, 0.25, 0.17, 0.11, 0.07, 0.10];

    /// <summary>Share of sessions per <see cref="Catalog.User.Devices"/> entry (mobile, desktop, tablet, tv) before and after the device shift.</summary>
    public static readonly double[] DeviceShares = [0.60, 0.25, 0.08, 0.07];

    public static readonly double[] ShiftedDeviceShares = [0.30, 0.15, 0.15, 0.40];

    /// <summary>
    /// How much a device changes the appeal of long videos, per log of duration over five minutes:
    /// phones prefer short clips, televisions long ones. Same order as the devices.
    /// </summary>
    public static readonly double[] DeviceLengthPreference = [-0.35, 0.0, 0.05, 0.35];

    /// <summary>Relative session starts per local hour: quiet nights, a lunch bump and an evening peak.</summary>
    public static readonly double[] HourWeights =
    [
        0.8, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.0, 1.2, 1.1, 1.0, 1.1,
        1.4, 1.3, 1.1, 1.1, 1.3, 1.6, 2.0, 2.4, 2.6, 2.4, 1.9, 1.3,
    ];
}
