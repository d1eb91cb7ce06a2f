using RecEngine.Events;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

/// <summary>Small worlds that build and play in well under a second.</summary>
internal static class TestWorlds
{
    public static readonly DateTime Start = new(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<(SimulatedWorld World, List<InteractionEvent> Events)> Shared = new(() =>
    {
        var world = Create(seed: DefaultSeed);
        return (world, History(world));
    });

    public const int DefaultSeed = 11;

    /// <summary>One default world and its history, played once and shared by the tests that only read them.</summary>
    public static (SimulatedWorld World, List<InteractionEvent> Events) Default => Shared.Value;

    public static SimulationOptions Options(int seed = 7, string scenario = "none", int users = 400, int videos = 800, int days = 6) => new()
    {
        Users = users,
        Videos = videos,
        Days = days,
        Seed = seed,
        Scenario = scenario,
        SwitchDay = days / 2,
        // More sessions than the demo world so few users give enough events to measure.
        MeanSessionsPerUserDay = 1.5,
        Start = Start,
    };

    public static SimulatedWorld Create(int seed = 7, string scenario = "none", int users = 400, int videos = 800, int days = 6) =>
        new(Options(seed, scenario, users, videos, days), Start);

    public static List<InteractionEvent> History(SimulatedWorld world) =>
        Enumerable.Range(0, world.Truth.Days).SelectMany(world.History.GenerateDay).ToList();
}
