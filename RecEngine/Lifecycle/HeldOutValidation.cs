using RecEngine.Evaluation;
using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training;
using RecEngine.Serving;
using RecEngine.Training.Evaluation;
using RecEngine.Training.Datasets;

namespace RecEngine.Lifecycle;

/// <summary>
/// Scores a serving snapshot on the most recent held-out slice, candidate and serving model on the same slice and
/// users, in one of two ways (<see cref="HeldOutValidationOptions.Set"/>):
/// <list type="bullet">
/// <item><c>retrieval</c> (also exploration validation's fallback): each sampled user's history up to the cut, the snapshot's candidate sources
/// and ranker, top 20 of the serving stages against the videos the user watched next (<see cref="PipelineEvaluation"/>). It favours the
/// serving model, which chose what was shown and so what could be watched next.</item>
/// <item><c>replay</c>: each model re-ranks the videos each user was actually shown after the cut, with
/// features replayed as they were at each impression, scored against the ones the user watched. Both models order
/// the same sets, so the model that chose what was shown (the serving one) gets no head start: the next videos a
/// user watches are mostly ones the serving model put in front of them, which a retrieval-and-rank comparison counts
/// as the serving model's hits (offline replay on logged impressions; Li et al., WSDM 2011, discuss the bias). It
/// says nothing about retrieval, so a version whose candidates got worse can pass.</item>
/// </list>
/// </summary>
internal static class HeldOutValidation
{
    /// <summary>Seed of the user sample, fixed so both models see the same users.</summary>
    private const int Seed = 7;

    /// <summary>
    /// The snapshot's <c>served</c> metrics and the <c>most_popular</c> baseline's, or null when no user watched
    /// anything new after <paramref name="cut"/>.
    /// </summary>
    public static (Dictionary<string, SlateMetrics> Models, int Users)? Evaluate(
        ServingSnapshot snapshot, IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut, CandidateOptions candidates, HeldOutValidationOptions options)
    {
        if (options.Set == ValidationSet.Replay)
        {
            return Replay(snapshot, timeOrdered, cut, candidates, options.Users);
        }

        var split = TemporalSplit.Create(timeOrdered, snapshot.Videos, cut);
        var users = split.SampleUsers(options.Users, Seed);
        if (users.Count == 0)
        {
            return null;
        }

        // Ordering as serving orders by default (freshness boost, diversity caps), exploration off.
        var report = PipelineEvaluation.Run(split, snapshot.Videos, snapshot, users, new ServingOptions { ExplorationShare = 0 }, candidates, new NoRelevanceOracle(), itemKnn: null);
        return (new Dictionary<string, SlateMetrics>(report.Models, StringComparer.Ordinal), users.Count);
    }

    /// <summary>
    /// Replay: the snapshot's ranker orders, per user, the distinct videos shown to them after <paramref name="cut"/>
    /// (by expected watch time, as serving orders), relevant = watched from that showing, with its watch seconds as the
    /// gain of <c>watch_time_ndcg@20</c>; <c>most_popular</c> orders the
    /// same sets by watches before the cut. Users with no watch, or fewer than two videos shown, say nothing and are left
    /// out; at most <paramref name="maxUsers"/>, the same for every model (chosen by user id, not by model).
    /// </summary>
    public static (Dictionary<string, SlateMetrics> Models, int Users)? Replay(
        ServingSnapshot snapshot, IReadOnlyList<InteractionEvent> timeOrdered, DateTime cut, CandidateOptions candidates, int maxUsers)
    {
        var videos = snapshot.Videos;
        // Window end = the cut: examples after it are scored at age 0, as serving scores.
        var data = RankerDataset.Build(timeOrdered, videos, snapshot.Retrieval, cut, candidates, from: cut);
        var watchTime = Score(snapshot, data);

        var popularity = new Dictionary<int, int>();
        foreach (var e in timeOrdered)
        {
            if (e.Timestamp < cut && e.Type == EventType.Watch && videos.TryGetIndex(e.VideoId, out var v))
            {
                popularity[v] = popularity.GetValueOrDefault(v) + 1;
            }
        }

        var shown = new Dictionary<string, Dictionary<int, (float Score, double Seconds)>>(StringComparer.Ordinal);
        for (var i = 0; i < data.Count; i++)
        {
            if (!shown.TryGetValue(data.Users[i], out var user))
            {
                shown[data.Users[i]] = user = [];
            }

            // A showing not watched weighs nothing.
            var seconds = data.Watched[i] > 0 ? RankingMetrics.WatchGain(data.WatchSeconds[i]) : 0;
            var previous = user.GetValueOrDefault(data.Videos[i], (Score: float.NegativeInfinity, Seconds: 0));
            user[data.Videos[i]] = (Math.Max(previous.Score, watchTime[i]), previous.Seconds + seconds);
        }

        var users = shown.Where(u => u.Value.Count >= 2 && u.Value.Values.Any(x => x.Seconds > 0))
            .OrderBy(u => Features.Spec.FeatureHashing.Fnv1a64(u.Key)).ThenBy(u => u.Key, StringComparer.Ordinal).Take(maxUsers).ToList();
        if (users.Count == 0)
        {
            return null;
        }

        var ranker = new List<Ranked>(users.Count);
        var popular = new List<Ranked>(users.Count);
        foreach (var (_, set) in users)
        {
            var gains = set.Where(x => x.Value.Seconds > 0).ToDictionary(x => x.Key, x => x.Value.Seconds);
            var relevant = gains.Keys.ToHashSet();
            ranker.Add(new Ranked(set.OrderByDescending(x => x.Value.Score).ThenBy(x => x.Key).Select(x => x.Key).ToList(), relevant, gains));
            popular.Add(new Ranked(set.Keys.OrderByDescending(v => popularity.GetValueOrDefault(v)).ThenBy(v => v).ToList(), relevant, gains));
        }

        return (new Dictionary<string, SlateMetrics>(StringComparer.Ordinal)
        {
            [PipelineEvaluation.Served] = Metrics(ranker),
            ["most_popular"] = Metrics(popular),
        }, users.Count);
    }

    private static float[] Score(ServingSnapshot snapshot, RankerDataset data)
    {
        var spec = snapshot.Scorer.Spec;
        var (d, f) = (spec.RawWidth, spec.IdWidth);
        const int batch = 1024;
        var dense = new float[batch * d];
        var ids = new long[batch * f];
        var pWatch = new float[data.Count];
        var watchTime = new float[data.Count];
        for (var start = 0; start < data.Count; start += batch)
        {
            var rows = Math.Min(batch, data.Count - start);
            for (var r = 0; r < rows; r++)
            {
                spec.ImputeNumeric(data.Numeric[start + r], dense.AsSpan(r * d, d));
                spec.Ids(data.Categorical[start + r], data.Text[start + r], ids.AsSpan(r * f, f));
            }

            snapshot.Scorer.Ranker.Score(dense.AsSpan(0, rows * d), ids.AsSpan(0, rows * f), rows, pWatch.AsSpan(start, rows), watchTime.AsSpan(start, rows));
        }

        return watchTime;
    }

    /// <summary>One user's shown set in one order: the watched ones, and the seconds each was watched.</summary>
    private readonly record struct Ranked(IReadOnlyList<int> Order, HashSet<int> Relevant, Dictionary<int, double> Gains);

    private static SlateMetrics Metrics(List<Ranked> lists) => new(
        lists.Average(l => RankingMetrics.NdcgAtK(l.Order, l.Relevant, 10)),
        lists.Average(l => RankingMetrics.NdcgAtK(l.Order, l.Relevant, 20)),
        lists.Average(l => RankingMetrics.RecallAtK(l.Order, l.Relevant, 10)),
        lists.Average(l => RankingMetrics.RecallAtK(l.Order, l.Relevant, 20)),
        lists.Average(l => RankingMetrics.AveragePrecisionAtK(l.Order, l.Relevant, 20)),
        Coverage: 0,
        OracleShare: null)
    {
        WatchTimeNdcgAt20 = lists.Average(l => RankingMetrics.NdcgAtK(l.Order, l.Gains, 20)),
    };

    /// <summary>The named metric (<see cref="HeldOutValidationOptions.Metrics"/>) of one model's results.</summary>
    public static double Value(SlateMetrics metrics, string metric) => metric switch
    {
        "ndcg@10" => metrics.NdcgAt10,
        "ndcg@20" => metrics.NdcgAt20,
        "recall@10" => metrics.RecallAt10,
        "recall@20" => metrics.RecallAt20,
        "map@20" => metrics.MapAt20,
        "watch_time_ndcg@20" => metrics.WatchTimeNdcgAt20,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown validation metric."),
    };

    /// <summary>Every metric of <paramref name="metrics"/> by its name, for the registry.</summary>
    public static Dictionary<string, double> All(SlateMetrics metrics, string prefix) =>
        HeldOutValidationOptions.Metrics.ToDictionary(m => prefix + m, m => Value(metrics, m), StringComparer.Ordinal);

    /// <summary>
    /// TFX model validation's change threshold with higher-is-better direction (Baylor et al., "TFX: A
    /// TensorFlow-Based Production-Scale Machine Learning Platform", KDD 2017; TFMA GenericChangeThreshold):
    /// absolute passes if candidate - baseline &gt;= -tolerance, relative if candidate &gt;= baseline * (1 - tolerance).
    /// A negative tolerance demands an improvement.
    /// </summary>
    public static bool NotWorse(double candidate, double baseline, double tolerance, ToleranceMode mode) => mode switch
    {
        ToleranceMode.Absolute => candidate - baseline >= -tolerance,
        _ => candidate >= baseline * (1 - tolerance),
    };
}
