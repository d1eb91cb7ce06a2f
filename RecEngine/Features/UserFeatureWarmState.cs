using RecEngine.Events;

namespace RecEngine.Features;

/// <summary>
/// The user features a warm-up is building from a full scan of the store, before they are published to the cache.
/// Two writers fill it, never at once (the scan reads and applies each page inside <see cref="EventStore.EnterExclusiveRead"/>,
/// commits run exclusively): the scan, and every commit made after the warm-up began. A committed event is applied by
/// exactly one of them: the commit records its id, and the scan skips ids it finds recorded. An event stored before
/// the warm-up began was told to no one here, so the scan applies it.
/// </summary>
internal sealed class UserFeatureWarmState(Func<string, string>? internVideoId = null)
{
    private readonly HashSet<string> _toldIds = new(StringComparer.Ordinal);

    public Dictionary<string, UserFeatureBuilder> Builders { get; } = new(StringComparer.Ordinal);

    public long Scanned { get; private set; }

    /// <summary>Events of a commit made during the warm-up (the caller holds the commit lock).</summary>
    public void Told(IReadOnlyList<InteractionEvent> events)
    {
        foreach (var ev in events)
        {
            if (_toldIds.Add(ev.EventId))
            {
                Builder(ev.UserId).Apply(ev);
            }
        }
    }

    /// <summary>An event found by the scan (the caller holds the consistent-read lock).</summary>
    public void Scan(InteractionEvent ev)
    {
        Scanned++;
        if (!_toldIds.Contains(ev.EventId))
        {
            Builder(ev.UserId).Apply(ev);
        }
    }

    /// <summary>Drops what was built for an erased user (the caller excludes the scan and commits).</summary>
    public void Forget(string userId) => Builders.Remove(userId);

    private UserFeatureBuilder Builder(string userId)
    {
        if (!Builders.TryGetValue(userId, out var builder))
        {
            builder = new UserFeatureBuilder(userId, internVideoId);
            Builders[userId] = builder;
        }

        return builder;
    }
}
