namespace RecEngine.Training.Evaluation;

/// <summary>
/// Whether the pool the ranker orders holds what a baseline finds: the share of the users' test watches that are
/// in their pool (the ranker's recall ceiling), and of most_popular's top-10 hits that are. A re-ranker cannot
/// beat most_popular if its pool misses most_popular's hits.
/// </summary>
public sealed class PoolCoverage
{
    private long _targets;
    private long _targetsInPool;
    private long _popularHits;
    private long _popularHitsInPool;
    private long _pooled;
    private int _users;

    /// <summary>Test watches in the pool over all test watches.</summary>
    public double PoolRecall => _targets == 0 ? 0 : _targetsInPool / (double)_targets;

    /// <summary>most_popular's top-10 hits that are in the pool, over its top-10 hits.</summary>
    public double PopularHitsInPool => _popularHits == 0 ? 0 : _popularHitsInPool / (double)_popularHits;

    /// <summary>most_popular's top-10 hits over all test watches (its recall@10, pooled over users).</summary>
    public double PopularRecallAt10 => _targets == 0 ? 0 : _popularHits / (double)_targets;

    /// <summary>Mean candidates per pool.</summary>
    public double MeanPoolSize => _users == 0 ? 0 : _pooled / (double)_users;

    public void Add(IReadOnlyCollection<int> pool, IReadOnlyList<int> popularTop10, IReadOnlySet<int> relevant)
    {
        var inPool = pool as IReadOnlySet<int> ?? pool.ToHashSet();
        _users++;
        _pooled += pool.Count;
        _targets += relevant.Count;
        _targetsInPool += relevant.Count(inPool.Contains);
        foreach (var v in popularTop10.Where(relevant.Contains))
        {
            _popularHits++;
            _popularHitsInPool += inPool.Contains(v) ? 1 : 0;
        }
    }
}
