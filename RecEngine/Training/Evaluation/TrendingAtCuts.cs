using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// Trending as serving would have had it at each user's cut: built from the training events of the trending
/// window before that moment. A global split has one cut; a per-user split has one per user, so indexes are
/// built once per hour of cut and reused (serving rebuilds trending periodically, not per request).
/// </summary>
internal sealed class TrendingAtCuts(TemporalSplit split, VideoSnapshot videos, CandidateOptions options)
{
    private readonly Dictionary<DateTime, TrendingIndex> _built = [];

    public TrendingIndex For(string user)
    {
        var at = split.CutFor(user);
        if (at != split.Cut)
        {
            at = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
        }

        if (!_built.TryGetValue(at, out var trending))
        {
            _built[at] = trending = TrendingIndex.Build(Between(split.Train, at - options.TrendingWindow, at), videos, at, options.TrendingHalfLife);
        }

        return trending;
    }

    /// <summary>The events of a time-ordered list in [from, to), found by binary search.</summary>
    private static IEnumerable<InteractionEvent> Between(List<InteractionEvent> timeOrdered, DateTime from, DateTime to)
    {
        for (var i = TimeOrderedSearch.FirstAtOrAfter(timeOrdered, from); i < timeOrdered.Count && timeOrdered[i].Timestamp < to; i++)
        {
            yield return timeOrdered[i];
        }
    }
}
