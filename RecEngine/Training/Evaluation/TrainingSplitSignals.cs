using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The baselines' signals, computed from one list of training events and nothing else, so the ranker can learn to
/// combine what most_popular and item_knn know: each video's watches in the whole list (most_popular's order),
/// its watches among the newest <see cref="RecentShare"/> of the list's events (a share, not days, so it means the
/// same on a 14-day simulation and on MovieLens' decades), and the item-kNN model (<see cref="ItemKnn"/>).
/// Built once on the evaluation's training split, and once on the ranker's own nested split (its history part)
/// for its training examples.
/// </summary>
public sealed class TrainingSplitSignals
{
    /// <summary>The newest share of the events whose watches count as recent popularity.</summary>
    public const double RecentShare = 0.2;

    /// <summary>Pseudo-ratings at the catalog's mean that shrink a video's mean rating (<see cref="MeanWatchedFraction"/>).</summary>
    public const double PriorRatings = 5;

    private TrainingSplitSignals(int[] watches, int[] recentWatches, int[] popularOrder, ItemKnn knn, DateTime[] firstWatch, int[] skips, double[] meanWatchedFraction)
    {
        Skips = skips;
        MeanWatchedFraction = meanWatchedFraction;
        FirstWatch = firstWatch;
        Watches = watches;
        RecentWatches = recentWatches;
        PopularOrder = popularOrder;
        Knn = knn;
    }

    /// <summary>Per video index, watches in the events.</summary>
    public int[] Watches { get; }

    /// <summary>Per video index, watches in the newest <see cref="RecentShare"/> of the events.</summary>
    public int[] RecentWatches { get; }

    /// <summary>Watched videos, most watched first, ties by id (ordinal): the most_popular baseline.</summary>
    public int[] PopularOrder { get; }

    /// <summary>Per video index, skips in the events (clicked, then abandoned: on imported data, ratings under 2 stars). A skip is exposure too.</summary>
    public int[] Skips { get; }

    /// <summary>
    /// Per video index, the mean watched fraction of its watches and skips (on imported data the stars / 5), shrunk
    /// toward the mean over all videos with <see cref="PriorRatings"/> pseudo-ratings: how well it is liked when
    /// shown, which the simulator's click and watch models raise with quality.
    /// </summary>
    public double[] MeanWatchedFraction { get; }

    /// <summary>Per video index, its first watch in the events (<see cref="DateTime.MaxValue"/> if none): a stand-in for the upload time, which imported data lacks.</summary>
    public DateTime[] FirstWatch { get; }

    /// <summary>Item-kNN on the same events.</summary>
    public ItemKnn Knn { get; }

    /// <param name="timeOrdered">Training events, oldest first.</param>
    public static TrainingSplitSignals Build(IReadOnlyList<InteractionEvent> timeOrdered, VideoSnapshot videos)
    {
        var watches = new int[videos.Count];
        var recent = new int[videos.Count];
        var first = Enumerable.Repeat(DateTime.MaxValue, videos.Count).ToArray();
        var skips = new int[videos.Count];
        var fractionSum = new double[videos.Count];
        var rated = new int[videos.Count];
        var recentFrom = (int)Math.Floor(timeOrdered.Count * (1 - RecentShare));
        for (var i = 0; i < timeOrdered.Count; i++)
        {
            var ev = timeOrdered[i];
            if (ev.Type is EventType.Watch or EventType.Skip && videos.TryGetIndex(ev.VideoId, out var r))
            {
                fractionSum[r] += Math.Clamp(ev.WatchSeconds / Math.Max(1, videos.DurationSeconds[r]), 0, 1);
                rated[r]++;
                skips[r] += ev.Type == EventType.Skip ? 1 : 0;
            }

            if (ev.Type == EventType.Watch && videos.TryGetIndex(ev.VideoId, out var v))
            {
                watches[v]++;
                first[v] = ev.Timestamp < first[v] ? ev.Timestamp : first[v];
                if (i >= recentFrom)
                {
                    recent[v]++;
                }
            }
        }

        var order = Enumerable.Range(0, videos.Count).Where(v => watches[v] > 0)
            .OrderByDescending(v => watches[v]).ThenBy(v => videos.Ids[v], StringComparer.Ordinal)
            .ToArray();
        var meanFraction = rated.Sum() is var n and > 0 ? fractionSum.Sum() / n : 0.5;
        var shrunk = Enumerable.Range(0, videos.Count).Select(v => (fractionSum[v] + (PriorRatings * meanFraction)) / (rated[v] + PriorRatings)).ToArray();
        return new TrainingSplitSignals(watches, recent, order, ItemKnn.Build(timeOrdered, videos), first, skips, shrunk);
    }
}
