using RecEngine.Events;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The per-user temporal holdout used on data without a shared clock of sessions (MovieLens): each user's events
/// in time order (ties by event id, so the split is deterministic), and the last ⌊share · n⌋ of a user's n events
/// are the tail. Rounding down keeps the tail at most <c>share</c> of every user, and a user with fewer than
/// 1 / share events keeps them all on the training side.
/// </summary>
internal static class PerUserTail
{
    /// <summary>Events in the tail of a user with <paramref name="events"/> events.</summary>
    public static int TailCount(int events, double share) =>
        share is <= 0 or >= 1 ? throw new ArgumentOutOfRangeException(nameof(share), share, "The tail share must be between 0 and 1.")
        : (int)Math.Floor((events * share) + 1e-9);

    /// <summary>For each event of <paramref name="events"/> (any order), whether it is in its user's tail.</summary>
    public static bool[] Mask(IReadOnlyList<InteractionEvent> events, double share)
    {
        var mask = new bool[events.Count];
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (!byUser.TryGetValue(events[i].UserId, out var list))
            {
                byUser[events[i].UserId] = list = [];
            }

            list.Add(i);
        }

        foreach (var list in byUser.Values)
        {
            list.Sort((a, b) =>
            {
                var byTime = events[a].Timestamp.CompareTo(events[b].Timestamp);
                return byTime != 0 ? byTime : string.CompareOrdinal(events[a].EventId, events[b].EventId);
            });
            var tail = TailCount(list.Count, share);
            for (var j = list.Count - tail; j < list.Count; j++)
            {
                mask[list[j]] = true;
            }
        }

        return mask;
    }
}
