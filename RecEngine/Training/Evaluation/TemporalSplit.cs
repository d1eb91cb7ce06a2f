using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// A temporal holdout, either global (everything before <see cref="Cut"/> trains) or per user (the last 20% of
/// each user's events are held out, <see cref="PerUserTail"/>). Each user's watches in the test part, of videos
/// they had not seen in training, are what a model should have found. Histories are replayed over training
/// events only.
/// </summary>
internal sealed class TemporalSplit
{
    private readonly Dictionary<string, DateTime> _userCuts;

    private TemporalSplit(
        DateTime cut,
        Dictionary<string, DateTime> userCuts,
        List<InteractionEvent> train,
        Dictionary<string, UserFeatures> histories,
        Dictionary<string, HashSet<int>> seen,
        Dictionary<string, HashSet<int>> targets,
        Dictionary<string, Dictionary<int, double>> targetSeconds)
    {
        Cut = cut;
        _userCuts = userCuts;
        Train = train;
        Histories = histories;
        Seen = seen;
        Targets = targets;
        TargetSeconds = targetSeconds;
    }

    /// <summary>The global cut; for a per-user split, just after the newest training event (trending and popularity are taken there).</summary>
    public DateTime Cut { get; }

    /// <summary>Training events, in time order.</summary>
    public List<InteractionEvent> Train { get; }

    /// <summary>Each user's features as of their cut.</summary>
    public Dictionary<string, UserFeatures> Histories { get; }

    /// <summary>Per user, video indexes with any event other than an impression in training (watched, rated, skipped, hidden).</summary>
    public Dictionary<string, HashSet<int>> Seen { get; }

    /// <summary>Per user, video indexes watched in the test part and not seen in training.</summary>
    public Dictionary<string, HashSet<int>> Targets { get; }

    /// <summary>
    /// Per user, the watch seconds of each target in the test part (summed over its watches, each at least one second, so
    /// a history that records no seconds weighs every target alike): the gains of <c>watch_time_ndcg</c>.
    /// </summary>
    public Dictionary<string, Dictionary<int, double>> TargetSeconds { get; }

    /// <summary>When the user's test part starts: the global cut, or their first held-out event.</summary>
    public DateTime CutFor(string user) => _userCuts.TryGetValue(user, out var at) ? at : Cut;

    /// <summary>Everything before <paramref name="cut"/> trains.</summary>
    public static TemporalSplit Create(IEnumerable<InteractionEvent> timeOrdered, VideoSnapshot videos, DateTime cut)
    {
        var all = timeOrdered as IReadOnlyList<InteractionEvent> ?? timeOrdered.ToList();
        var isTest = all.Select(e => e.Timestamp >= cut).ToArray();
        return Build(all, isTest, videos, cut, []);
    }

    /// <summary>The last <paramref name="testShare"/> of each user's events (rounded down) are the test set.</summary>
    public static TemporalSplit CreatePerUser(IReadOnlyList<InteractionEvent> timeOrdered, VideoSnapshot videos, double testShare = 0.2)
    {
        var isTest = PerUserTail.Mask(timeOrdered, testShare);
        var userCuts = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var newestTrain = DateTime.MinValue;
        for (var i = 0; i < timeOrdered.Count; i++)
        {
            var ev = timeOrdered[i];
            if (!isTest[i])
            {
                newestTrain = ev.Timestamp > newestTrain ? ev.Timestamp : newestTrain;
            }
            else if (!userCuts.TryGetValue(ev.UserId, out var at) || ev.Timestamp < at)
            {
                userCuts[ev.UserId] = ev.Timestamp;
            }
        }

        return Build(timeOrdered, isTest, videos, newestTrain == DateTime.MinValue ? newestTrain : newestTrain.AddTicks(1), userCuts);
    }

    /// <summary>
    /// The candidate request for a user at their cut: serving's request (watched and hidden excluded) with every
    /// video seen in training excluded as well, since a rating or a skip also means the user saw it.
    /// </summary>
    public CandidateRequest RequestFor(string user, RetrievalModel? model, VideoSnapshot videos)
    {
        var request = CandidateRequests.ForUser(Histories.GetValueOrDefault(user), model, videos, CutFor(user));
        if (!Seen.TryGetValue(user, out var seen) || seen.IsSubsetOf(request.Excluded))
        {
            return request;
        }

        var excluded = new HashSet<int>(request.Excluded);
        excluded.UnionWith(seen);
        return request with { Excluded = excluded };
    }

    private static TemporalSplit Build(IReadOnlyList<InteractionEvent> timeOrdered, bool[] isTest, VideoSnapshot videos, DateTime cut, Dictionary<string, DateTime> userCuts)
    {
        var train = new List<InteractionEvent>();
        var builders = new Dictionary<string, UserFeatureBuilder>(StringComparer.Ordinal);
        var seen = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var test = new List<InteractionEvent>();
        for (var i = 0; i < timeOrdered.Count; i++)
        {
            var ev = timeOrdered[i];
            if (!isTest[i])
            {
                train.Add(ev);
                if (!builders.TryGetValue(ev.UserId, out var b))
                {
                    builders[ev.UserId] = b = new UserFeatureBuilder(ev.UserId);
                }

                b.Apply(ev);
                if (ev.Type != EventType.Impression && videos.TryGetIndex(ev.VideoId, out var v))
                {
                    if (!seen.TryGetValue(ev.UserId, out var set))
                    {
                        seen[ev.UserId] = set = [];
                    }

                    set.Add(v);
                }
            }
            else if (ev.Type == EventType.Watch)
            {
                test.Add(ev);
            }
        }

        var histories = builders.ToDictionary(kv => kv.Key, kv => kv.Value.Build(), StringComparer.Ordinal);
        var targetSeconds = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        foreach (var ev in test)
        {
            if (!videos.TryGetIndex(ev.VideoId, out var v) || (seen.TryGetValue(ev.UserId, out var s) && s.Contains(v)))
            {
                continue;
            }

            if (!targetSeconds.TryGetValue(ev.UserId, out var seconds))
            {
                targetSeconds[ev.UserId] = seconds = [];
            }

            seconds[v] = seconds.GetValueOrDefault(v) + RankingMetrics.WatchGain(ev.WatchSeconds);
        }

        var targets = targetSeconds.ToDictionary(kv => kv.Key, kv => kv.Value.Keys.ToHashSet(), StringComparer.Ordinal);
        return new TemporalSplit(cut, userCuts, train, histories, seen, targets, targetSeconds);
    }

    /// <summary>Up to <paramref name="max"/> users with targets, chosen deterministically.</summary>
    public List<string> SampleUsers(int max, int seed)
    {
        var users = Targets.Keys.Order(StringComparer.Ordinal).ToList();
        var rng = new Random(seed);
        return users.OrderBy(_ => rng.Next()).Take(max).Order(StringComparer.Ordinal).ToList();
    }
}
