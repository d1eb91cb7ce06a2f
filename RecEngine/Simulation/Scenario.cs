namespace RecEngine.Simulation;

public enum ScenarioKind
{
    None,

    /// <summary>One topic becomes popular: every user's taste moves toward it.</summary>
    TasteShift,

    /// <summary>The device mix moves from phones to televisions and tablets.</summary>
    DeviceShift,

    /// <summary>Many new videos arrive in a new category on a topic with latent but unserved demand.</summary>
    ContentFlood,
}

/// <summary>A drift scenario and the day it switches on.</summary>
internal sealed record Scenario(ScenarioKind Kind, int SwitchDay)
{
    public static readonly IReadOnlyList<string> Names = ["none", "taste-shift", "device-shift", "content-flood"];

    public static Scenario None { get; } = new(ScenarioKind.None, 0);

    public string Name => Names[(int)Kind];

    /// <summary>Parses a scenario name (case-insensitive).</summary>
    /// <exception cref="FormatException">The name is not one of <see cref="Names"/>; the message lists them.</exception>
    public static Scenario Parse(string? name, int switchDay)
    {
        if (switchDay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(switchDay), switchDay, "The switch day must be zero or more.");
        }

        var normalized = (name ?? "none").Trim().ToLowerInvariant();
        var index = Names.ToList().IndexOf(normalized);
        if (index < 0)
        {
            throw new FormatException($"Unknown scenario '{name}'. Known scenarios: {string.Join(", ", Names)}.");
        }

        return new Scenario((ScenarioKind)index, switchDay);
    }

    /// <summary>Whether this scenario of the given kind is in force on <paramref name="day"/>.</summary>
    public bool ActiveOn(ScenarioKind kind, int day) => Kind == kind && day >= SwitchDay;
}
