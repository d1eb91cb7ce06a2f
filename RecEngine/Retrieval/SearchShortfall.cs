namespace RecEngine.Retrieval;

/// <summary>
/// Parts of the catalog a search on this thread could not reach: a sharded index (a cluster's catalog shards) reports
/// the shards that missed their deadline, and the request pipeline, which retrieves synchronously on one thread,
/// reads the count to mark the slate degraded. A single-process index never reports.
/// </summary>
internal static class SearchShortfall
{
    [ThreadStatic]
    private static int t_missing;

    /// <summary>Records <paramref name="missingShards"/> unanswered shards for the search running on this thread.</summary>
    public static void Report(int missingShards) => t_missing += missingShards;

    /// <summary>Shards missed on this thread since the last call, and clears the count.</summary>
    public static int Take()
    {
        var missing = t_missing;
        t_missing = 0;
        return missing;
    }
}
