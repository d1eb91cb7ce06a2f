using RecEngine.Events;

namespace RecEngine.Training.Evaluation;

/// <summary>Binary search over events in time order.</summary>
internal static class TimeOrderedSearch
{
    /// <summary>The index of the first event at or after <paramref name="at"/> (the count when none is).</summary>
    public static int FirstAtOrAfter(List<InteractionEvent> timeOrdered, DateTime at)
    {
        int lo = 0, hi = timeOrdered.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (timeOrdered[mid].Timestamp < at)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
