using RecEngine.Events;

namespace RecEngine.Training.Datasets;

/// <summary>
/// Retention as a training signal: a watch whose user comes back within <see cref="Horizon"/> counts
/// (1 + weight) times in the watch-time head's loss. That head is a logistic regression weighted by watch seconds,
/// whose odds estimate expected watch time (Covington et al. 2016, "Deep Neural Networks for YouTube
/// Recommendations"); with the return factor they estimate watch time plus weight x the watch time followed by a
/// return, so the order favours what brings users back as well as what holds them. A return is any event of the user
/// from <see cref="SessionGap"/> to <see cref="Horizon"/> after the impression (a later session, not the same one).
/// Watches too close to the window's end to see a whole horizon get the mean return rate of the others in place of
/// their unknown outcome, so the newest days are not weighted down for being new.
/// </summary>
internal static class ReturnWeighting
{
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    public static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Scales the watch seconds of <paramref name="data"/>'s watched rows in place; returns the share of watched rows,
    /// among those with a whole horizon in the window, whose user returned (NaN when there are none).
    /// </summary>
    public static double Apply(RankerDataset data, IReadOnlyList<InteractionEvent> timeOrdered, DateTime windowEnd, double weight)
    {
        if (weight < 0 || !double.IsFinite(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The return weight must be zero or more.");
        }

        var watchedUsers = new HashSet<string>(StringComparer.Ordinal);
        for (var row = 0; row < data.Count; row++)
        {
            if (data.Watched[row] > 0)
            {
                watchedUsers.Add(data.Users[row]);
            }
        }

        // Each user's event times, in order (the window is time-ordered).
        var times = new Dictionary<string, List<DateTime>>(watchedUsers.Count, StringComparer.Ordinal);
        foreach (var ev in timeOrdered)
        {
            if (watchedUsers.Contains(ev.UserId))
            {
                if (!times.TryGetValue(ev.UserId, out var list))
                {
                    times[ev.UserId] = list = [];
                }

                list.Add(ev.Timestamp);
            }
        }

        var outcome = new sbyte[data.Count]; // 1 returned, 0 did not, -1 unknown (horizon past the window's end)
        long known = 0, returned = 0;
        for (var row = 0; row < data.Count; row++)
        {
            if (data.Watched[row] <= 0)
            {
                continue;
            }

            var at = data.Impressions[row].At;
            var next = NextAtOrAfter(times[data.Users[row]], at + SessionGap);
            if (next is { } t && t <= at + Horizon)
            {
                outcome[row] = 1;
                known++;
                returned++;
            }
            else if (at + Horizon <= windowEnd)
            {
                outcome[row] = 0;
                known++;
            }
            else
            {
                outcome[row] = -1;
            }
        }

        var rate = known == 0 ? double.NaN : (double)returned / known;
        if (weight == 0)
        {
            return rate;
        }

        for (var row = 0; row < data.Count; row++)
        {
            if (data.Watched[row] > 0)
            {
                var expected = outcome[row] >= 0 ? outcome[row] : double.IsNaN(rate) ? 0 : rate;
                data.WatchSeconds[row] = (float)(data.WatchSeconds[row] * (1 + (weight * expected)));
            }
        }

        return rate;
    }

    private static DateTime? NextAtOrAfter(List<DateTime> sorted, DateTime from)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < sorted.Count ? sorted[lo] : null;
    }
}
