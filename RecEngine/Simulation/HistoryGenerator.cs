using RecEngine.Catalog;
using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>
/// Plays the simulated days: each user has Poisson(activity) sessions a day at hours from the daily cycle of
/// their time zone, on their usual device or another; each session shows the policy's slate and records the
/// behaviour model's events. Users run in parallel, each user-day from its own random stream, and the day's
/// events are concatenated in user order, so the output is the same on any number of cores. With
/// <see cref="VisitRates"/> (the online days of <c>simulate</c>) a user's sessions follow their recent satisfaction.
/// </summary>
internal sealed class HistoryGenerator(GroundTruth world, BehaviourModel behaviour, ISlatePolicy policy, VisitRates? visits = null)
{
    private const long SessionStream = 10;
    private const int UsersPerChunk = 512;

    /// <summary>Share of sessions on the user's usual device, before and after a device shift.</summary>
    private const double UsualDeviceShare = 0.8, ShiftedUsualDeviceShare = 0.4;

    public GroundTruth World => world;

    /// <summary>All events of one day, in user order then time order within a user.</summary>
    public List<InteractionEvent> GenerateDay(int day)
    {
        policy.BeginDay(day);
        visits?.BeginDay();
        var chunks = (world.UserCount + UsersPerChunk - 1) / UsersPerChunk;
        var parts = new List<InteractionEvent>[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var list = new List<InteractionEvent>();
            var end = Math.Min(world.UserCount, (chunk + 1) * UsersPerChunk);
            for (var user = chunk * UsersPerChunk; user < end; user++)
            {
                GenerateUserDay(user, day, list);
            }

            parts[chunk] = list;
        });

        var events = new List<InteractionEvent>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            events.AddRange(part);
        }

        visits?.EndDay();
        policy.EndDay(day, events);
        return events;
    }

    /// <summary>One user's sessions on one day, appended to <paramref name="output"/>.</summary>
    public void GenerateUserDay(int user, int day, List<InteractionEvent> output)
    {
        var rng = SimRandom.For(world.Options.Seed, SessionStream, day, user);
        var sessions = rng.NextPoisson(visits is null ? world.Activity[user] : world.Activity[user] * visits.Multiplier(user));
        if (sessions == 0)
        {
            return;
        }

        // Session times first, sorted, so a user's events run forward in time.
        Span<long> starts = stackalloc long[Math.Min(sessions, 256)];
        sessions = starts.Length;
        var offset = WorldTables.Countries[world.Country[user]].UtcOffsetHours;
        for (var s = 0; s < sessions; s++)
        {
            var localHour = rng.Pick(WorldTables.HourWeights);
            var utcHour = ((localHour - offset) % 24 + 24) % 24;
            starts[s] = (long)utcHour * 3_600_000 + rng.NextInt(3_600_000);
        }

        starts.Sort();
        var counter = 0;
        var satisfaction = 0.0;
        var dayStart = world.DayStart(day);
        for (var s = 0; s < sessions; s++)
        {
            var at = dayStart.AddMilliseconds(starts[s]);
            var localHour = (int)((starts[s] / 3_600_000 + offset) % 24 + 24) % 24;
            var device = ChooseDevice(user, day, rng);
            var slate = policy.Choose(user, at, device, world.Options.SlateSize, rng);
            var context = new SlateContext(day, at, device, localHour, slate.RequestId ?? $"r{day}-{user}-{s}");
            var seconds = behaviour.Respond(user, slate.Videos, context, rng, output, ref counter);
            satisfaction += VisitRates.Satisfaction(seconds);
        }

        visits?.Record(user, satisfaction, sessions);
    }

    private int ChooseDevice(int user, int day, SimRandom rng)
    {
        var shifted = world.Scenario.ActiveOn(ScenarioKind.DeviceShift, day);
        return rng.Chance(shifted ? ShiftedUsualDeviceShare : UsualDeviceShare)
            ? world.PrimaryDevice[user]
            : rng.Pick(shifted ? WorldTables.ShiftedDeviceShares : WorldTables.DeviceShares);
    }
}
