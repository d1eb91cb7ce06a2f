using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>
/// The logging policy of the generated history; it sees only what the platform records (legacy view counts,
/// clicks so far, upload times), never tastes or quality. Each slot is, in turn: with probability
/// <see cref="SimulationOptions.ExplorationRate"/> a uniform draw from the available catalog; with
/// <see cref="SimulationOptions.FreshRate"/> a uniform draw from the last three days' uploads; otherwise a draw
/// proportional to 1 + legacy views + clicks (popularity, updated at the end of each day).
/// </summary>
internal sealed class PopularityExplorationPolicy : ISlatePolicy
{
    private const int FreshDays = 3;
    private readonly GroundTruth _world;
    private readonly long[] _clicks;
    private AliasTable _popular = new([]);
    private int _available;
    private int _freshFrom;

    public PopularityExplorationPolicy(GroundTruth world)
    {
        _world = world;
        _clicks = new long[world.VideoCount];
    }

    public void BeginDay(int day)
    {
        var starts = _world.AvailableAtDayStart;
        _available = starts[Math.Clamp(day, 0, starts.Length - 1)];
        _freshFrom = starts[Math.Clamp(day - FreshDays, 0, starts.Length - 1)];
        if (day - FreshDays < 0)
        {
            _freshFrom = _world.AvailableAt(_world.DayStart(day - FreshDays));
        }

        var weights = new double[_available];
        for (var v = 0; v < weights.Length; v++)
        {
            weights[v] = 1.0 + _world.LegacyViews[v] + _clicks[v];
        }

        _popular = new AliasTable(weights);
    }

    public int[] ChooseSlate(int user, DateTime at, int device, int size, SimRandom rng)
    {
        var options = _world.Options;
        size = Math.Min(size, _available);
        var slate = new int[size];
        for (var slot = 0; slot < size; slot++)
        {
            int video;
            var tries = 0;
            do
            {
                var arm = rng.NextDouble();
                video = arm < options.ExplorationRate ? rng.NextInt(_available)
                    : arm < options.ExplorationRate + options.FreshRate && _available > _freshFrom ? _freshFrom + rng.NextInt(_available - _freshFrom)
                    : _popular.Sample(rng);
            }
            while (Array.IndexOf(slate, video, 0, slot) >= 0 && ++tries < 50);

            slate[slot] = video;
        }

        return slate;
    }

    public void EndDay(int day, IReadOnlyList<InteractionEvent> events)
    {
        foreach (var ev in events)
        {
            if (ev.Type == EventType.Click && _world.VideoIndex(ev.VideoId) is var v and >= 0)
            {
                _clicks[v]++;
            }
        }
    }
}
