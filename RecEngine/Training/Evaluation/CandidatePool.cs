using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// The candidates the ranker orders offline: what candidate generation proposes, plus the top of each baseline
/// (most popular and item-kNN in the training split), each filtered by the same request (nothing the user saw in
/// training). A re-ranker cannot beat a baseline whose items it never sees; with the union it can at least pick
/// them. The ranker's training examples are drawn from the same pools, so it learns on what it will be shown.
/// </summary>
public static class CandidatePool
{
    /// <summary>Videos each baseline adds to the pool.</summary>
    public const int PerBaseline = 100;

    public static int[] Build(IReadOnlyList<Candidate> generated, CandidateRequest request, TrainingSplitSignals signals, int perBaseline = PerBaseline)
    {
        var pool = new List<int>(generated.Count + (2 * perBaseline));
        var inPool = new HashSet<int>();
        foreach (var c in generated)
        {
            if (inPool.Add(c.VideoIndex))
            {
                pool.Add(c.VideoIndex);
            }
        }

        foreach (var v in signals.PopularOrder.Where(request.Allows).Take(perBaseline).Concat(signals.Knn.Recommend(request.RecentVideoIndexes, perBaseline, request.Allows)))
        {
            if (inPool.Add(v))
            {
                pool.Add(v);
            }
        }

        return [.. pool];
    }
}
