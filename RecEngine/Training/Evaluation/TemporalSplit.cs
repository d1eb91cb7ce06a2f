using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// A temporal holdout: everything before <see cref="Cut"/> trains; each user's watches after it, of videos they
/// had not watched before, are what a model should have found. Histories are replayed up to the cut only.
/// </summary>
public sealed class TemporalSplit
{
    private TemporalSplit(DateTime cut, List<InteractionEvent> train, Dictionary<string, UserFeatures> histories, Dictionary<string, HashSet<int>> targets)
    {
        Cut = cut;
        Train = train;
        Histories = histories;
        Targets = targets;
    }

    public DateTime Cut { get; }

    public List<InteractionEvent> Train { get; }

    /// <summary>Each user's features as of the cut.</summary>
    public Dictionary<string, UserFeatures> Histories { get; }

    /// <summary>Per user, video indexes first watched after the cut.</summary>
    public Dictionary<string, HashSet<int>> Targets { get; }

    public static TemporalSplit Create(IEnumerable<InteractionEvent> timeOrdered, VideoSnapshot videos, DateTime cut)
    {
        var train = new List<InteractionEvent>();
        var builders = new Dictionary<string, UserFeatureBuilder>(StringComparer.Ordinal);
        var test = new List<InteractionEvent>();
        foreach (var ev in timeOrdered)
        {
            if (ev.Timestamp < cut)
            {
                train.Add(ev);
                if (!builders.TryGetValue(ev.UserId, out var b))
                {
                    builders[ev.UserId] = b = new UserFeatureBuilder(ev.UserId);
                }

                b.Apply(ev);
            }
            else if (ev.Type == EventType.Watch)
            {
                test.Add(ev);
            }
        }

        var histories = builders.ToDictionary(kv => kv.Key, kv => kv.Value.Build(), StringComparer.Ordinal);
        var targets = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var ev in test)
        {
            if (!videos.TryGetIndex(ev.VideoId, out var v) || (histories.TryGetValue(ev.UserId, out var h) && h.Watched.Contains(ev.VideoId)))
            {
                continue;
            }

            if (!targets.TryGetValue(ev.UserId, out var set))
            {
                targets[ev.UserId] = set = [];
            }

            set.Add(v);
        }

        return new TemporalSplit(cut, train, histories, targets);
    }

    /// <summary>Up to <paramref name="max"/> users with targets, chosen deterministically.</summary>
    public List<string> SampleUsers(int max, int seed)
    {
        var users = Targets.Keys.Order(StringComparer.Ordinal).ToList();
        var rng = new Random(seed);
        return users.OrderBy(_ => rng.Next()).Take(max).Order(StringComparer.Ordinal).ToList();
    }
}
