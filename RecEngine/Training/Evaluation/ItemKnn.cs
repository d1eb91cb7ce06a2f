using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The item-kNN baseline (Sarwar et al. 2001; Deshpande &amp; Karypis 2004, item-based top-N): items are binary
/// vectors over the users who watched them, similarity is their cosine, sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|),
/// each item keeps its <see cref="Neighbours"/> most similar items, and a user's score for a candidate is the sum
/// of its similarities to the user's most recent training watches. Ties go to the lower video index.
/// </summary>
internal sealed class ItemKnn
{
    /// <summary>Neighbours kept per item (the model size k of Deshpande &amp; Karypis).</summary>
    public const int Neighbours = 200;

    /// <summary>Recent watches a user's score is summed over.</summary>
    public const int RecentItems = 20;

    private readonly int[][] _usersOf;
    private readonly int[][] _itemsOf;
    private readonly (int Item, float Similarity)[]?[] _rows;
    private readonly (int Item, float Confidence)[]?[] _confidenceRows;

    private ItemKnn(int[][] usersOf, int[][] itemsOf)
    {
        _usersOf = usersOf;
        _itemsOf = itemsOf;
        _rows = new (int, float)[]?[usersOf.Length];
        _confidenceRows = new (int, float)[]?[usersOf.Length];
    }

    /// <summary>Co-occurrence of the watches in <paramref name="train"/>; other event types are no evidence of liking.</summary>
    public static ItemKnn Build(IEnumerable<InteractionEvent> train, VideoSnapshot videos)
    {
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemsOf = new List<HashSet<int>>();
        var usersOf = new HashSet<int>[videos.Count];
        foreach (var ev in train)
        {
            if (ev.Type != EventType.Watch || !videos.TryGetIndex(ev.VideoId, out var v))
            {
                continue;
            }

            if (!userIndex.TryGetValue(ev.UserId, out var u))
            {
                userIndex[ev.UserId] = u = itemsOf.Count;
                itemsOf.Add([]);
            }

            itemsOf[u].Add(v);
            (usersOf[v] ??= []).Add(u);
        }

        return new ItemKnn(
            usersOf.Select(s => s is null ? [] : s.Order().ToArray()).ToArray(),
            itemsOf.Select(s => s.Order().ToArray()).ToArray());
    }

    /// <summary>The cosine neighbours of <paramref name="item"/>, most similar first.</summary>
    public IReadOnlyList<(int Item, float Similarity)> Similar(int item)
    {
        if (_rows[item] is { } row)
        {
            return row;
        }

        var counts = CoWatchCounts(item);
        var norm = Math.Sqrt(_usersOf[item].Length);
        row = counts
            .Select(kv => (Item: kv.Key, Similarity: (float)(kv.Value / (norm * Math.Sqrt(_usersOf[kv.Key].Length)))))
            .OrderByDescending(x => x.Similarity).ThenBy(x => x.Item)
            .Take(Neighbours)
            .ToArray();
        // A benign race: two threads may compute the same row; both results are equal.
        _rows[item] = row;
        return row;
    }

    /// <summary>
    /// The association-rule confidence of <paramref name="item"/>'s co-watched items, conf(i -> j) = |U_i ∩ U_j| / |U_i|
    /// (Agrawal, Imieliński &amp; Swami 1993), highest first, the best <see cref="Neighbours"/>. Unlike the cosine it
    /// is not divided by |U_j|, so it keeps the popularity of j: "what people who watched i also watched".
    /// </summary>
    public IReadOnlyList<(int Item, float Confidence)> Confidence(int item)
    {
        if (_confidenceRows[item] is { } row)
        {
            return row;
        }

        var counts = CoWatchCounts(item);
        var users = Math.Max(1, _usersOf[item].Length);
        row = counts
            .Select(kv => (Item: kv.Key, Confidence: kv.Value / (float)users))
            .OrderByDescending(x => x.Confidence).ThenBy(x => x.Item)
            .Take(Neighbours)
            .ToArray();
        // A benign race, as in Similar.
        _confidenceRows[item] = row;
        return row;
    }

    /// <summary>For each other video, how many of <paramref name="item"/>'s users also watched it: |U_i ∩ U_j|.</summary>
    private Dictionary<int, int> CoWatchCounts(int item)
    {
        var counts = new Dictionary<int, int>();
        foreach (var u in _usersOf[item])
        {
            foreach (var j in _itemsOf[u])
            {
                if (j != item)
                {
                    counts[j] = counts.GetValueOrDefault(j) + 1;
                }
            }
        }

        return counts;
    }

    /// <summary>Per video, the sum of its confidences from the first <see cref="RecentItems"/> of <paramref name="recent"/> (absent means 0).</summary>
    public Dictionary<int, double> ConfidenceScores(IReadOnlyList<int> recent) => SumOverSeeds(recent, Confidence);

    /// <summary>
    /// The <paramref name="k"/> best videos for a user whose watches, newest first, are <paramref name="recent"/>
    /// (only the first <see cref="RecentItems"/> count), among those <paramref name="allows"/> accepts.
    /// </summary>
    public List<int> Recommend(IReadOnlyList<int> recent, int k, Func<int, bool> allows) =>
        Scores(recent).Where(kv => allows(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
            .Take(k).Select(kv => kv.Key).ToList();

    /// <summary>
    /// Every video with a non-zero score for a user whose watches, newest first, are <paramref name="recent"/>:
    /// the sum of its similarities to the first <see cref="RecentItems"/> of them (absent means 0).
    /// </summary>
    public Dictionary<int, double> Scores(IReadOnlyList<int> recent) => SumOverSeeds(recent, Similar);

    /// <summary>Per video, the sum of <paramref name="row"/>'s values over the first <see cref="RecentItems"/> distinct seeds.</summary>
    private Dictionary<int, double> SumOverSeeds(IReadOnlyList<int> recent, Func<int, IReadOnlyList<(int Item, float Value)>> row)
    {
        var scores = new Dictionary<int, double>();
        foreach (var seed in recent.Distinct().Take(RecentItems))
        {
            if ((uint)seed >= (uint)_rows.Length)
            {
                continue;
            }

            foreach (var (item, value) in row(seed))
            {
                scores[item] = scores.GetValueOrDefault(item) + value;
            }
        }

        return scores;
    }
}
