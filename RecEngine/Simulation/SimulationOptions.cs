using System.ComponentModel.DataAnnotations;

namespace RecEngine.Simulation;

/// <summary>
/// The synthetic world, section <c>RecEngine:Simulation</c>. The defaults are the demo world that
/// <c>serve</c> generates on an empty data directory; <c>generate</c> overrides users, videos, days and seed.
/// The same options and seed always give the same world (see docs/simulation.md).
/// </summary>
public sealed record SimulationOptions
{
    public const string Section = "RecEngine:Simulation";

    /// <summary>Users of the world.</summary>
    [Range(1, 10_000_000)]
    public int Users { get; init; } = 10_000;

    /// <summary>Videos of the regular catalog (a content flood adds more, see <see cref="FloodVideoShare"/>).</summary>
    [Range(1, 50_000_000)]
    public int Videos { get; init; } = 20_000;

    /// <summary>Days of history generated.</summary>
    [Range(1, 3650)]
    public int Days { get; init; } = 14;

    /// <summary>Seed of the world: the same options and seed give the same world.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Dimensions of the hidden taste space; the last one is kept for the content-flood category.</summary>
    [Range(4, 256)]
    public int Topics { get; init; } = 24;

    /// <summary>Videos per creator on average.</summary>
    [Range(1, 10_000)]
    public int VideosPerCreator { get; init; } = 25;

    /// <summary>Slate length the logging policy shows per session.</summary>
    [Range(1, 100)]
    public int SlateSize { get; init; } = 8;

    /// <summary>
    /// Mean sessions per user and day. With about 10.5 events per session this gives about 3.6 events per
    /// user-day, so 100k users over 14 days write about 5M events.
    /// </summary>
    [Range(0.001, 100)]
    public double MeanSessionsPerUserDay { get; init; } = 0.32;

    /// <summary>Share of videos uploaded before day 0; the rest arrive during the simulated days.</summary>
    [Range(0.0, 1.0)]
    public double PreexistingVideoShare { get; init; } = 0.6;

    /// <summary>Logging policy: share of slate slots filled uniformly from the available catalog.</summary>
    [Range(0.0, 1.0)]
    public double ExplorationRate { get; init; } = 0.25;

    /// <summary>Logging policy: share of slate slots filled from videos uploaded in the last three days.</summary>
    [Range(0.0, 1.0)]
    public double FreshRate { get; init; } = 0.15;

    /// <summary>Drift scenario name: none, taste-shift, device-shift or content-flood.</summary>
    public string Scenario { get; init; } = "none";

    /// <summary>
    /// Share of the videos (the first in id order) given a synthetic thumbnail that follows their hidden topics
    /// (docs/simulation.md). 0 by default: the demo world starts without them, since embedding 20,000 thumbnails takes
    /// minutes on two cores.
    /// </summary>
    [Range(0.0, 1.0)]
    public double ThumbnailShare { get; init; }

    /// <summary>Day the scenario switches on; null means the middle of the simulated days.</summary>
    [Range(0, 3650)]
    public int? SwitchDay { get; init; }

    /// <summary>Extra videos, as a share of <see cref="Videos"/>, that the content-flood scenario uploads from the switch day.</summary>
    [Range(0.0, 5.0)]
    public double FloodVideoShare { get; init; } = 0.25;

    /// <summary>Midnight UTC of day 0; null means the simulated days end at today's midnight UTC.</summary>
    public DateTime? Start { get; init; }

    public DateTime ResolveStart(TimeProvider time) =>
        Start is { } start
            ? DateTime.SpecifyKind(start.Date, DateTimeKind.Utc)
            : time.GetUtcNow().UtcDateTime.Date.AddDays(-Days);

    public int ResolveSwitchDay() => SwitchDay ?? Days / 2;
}
