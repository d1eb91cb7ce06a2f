using RecEngine.Retrieval;

namespace RecEngine.Cluster;

/// <summary>
/// A model version's vector index spread over the cluster's catalog shard grains: a search asks every shard of the
/// version for its top k (scatter), waits until the deadline, and merges what came back by score (gather). Shards that
/// fail or answer late are left out and reported through <see cref="SearchShortfall"/>, so the pipeline marks the
/// slate degraded instead of failing it. Ids are the version's trained rows, as in the saved single-process index.
/// </summary>
internal sealed class ShardedVectorIndex(IGrainFactory grains, ShardManifest manifest, TimeSpan deadline) : IVectorIndex
{
    private readonly ICatalogShardGrain[] _shards = Enumerable.Range(0, manifest.Shards)
        .Select(s => grains.GetGrain<ICatalogShardGrain>(CatalogShardKey.Of(manifest.Version, s, manifest.Shards)))
        .ToArray();

    public string Version => manifest.Version;

    public int Count => manifest.Rows;

    public int Dimensions => manifest.Dimensions;

    /// <summary>Nothing here: the shards hold their indexes on their silos.</summary>
    public long MemoryBytes => 0;

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        }

        var k = Math.Min(destination.Length, Count);
        if (k == 0)
        {
            return 0;
        }

        var q = query.ToArray();
        var until = DateTime.UtcNow + deadline;
        var calls = new Task<ShardAnswer>[_shards.Length];
        for (var s = 0; s < calls.Length; s++)
        {
            calls[s] = _shards[s].Search(q, k, until);
        }

        try
        {
            Task.WaitAll(calls, deadline);
        }
        catch (AggregateException)
        {
            // A failed shard is counted below with the late ones.
        }

        var merged = new TopK(k);
        var missing = 0;
        foreach (var call in calls)
        {
            // A shard that shed the call (it arrived after the deadline) answers nothing: missing, like a late one.
            if (!call.IsCompletedSuccessfully || call.Result.Version != Version || call.Result.Shed)
            {
                missing++;
                if (call.IsCompletedSuccessfully && call.Result.Version != Version)
                {
                    ClusterMetrics.VersionMismatches.Inc();
                }

                // Observe a late call's failure, so it is not reported as unobserved.
                _ = call.ContinueWith(static c => c.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                continue;
            }

            var answer = call.Result;
            for (var i = 0; i < answer.Rows.Length; i++)
            {
                if (answer.Scores[i] >= merged.Threshold)
                {
                    merged.Add(answer.Rows[i], answer.Scores[i]);
                }
            }
        }

        if (missing > 0)
        {
            ClusterMetrics.MissingShards.Inc(missing);
            SearchShortfall.Report(missing);
        }

        return merged.CopySorted(destination);
    }

    /// <summary>Activates every shard of the version; throws <see cref="InvalidDataException"/> naming the shards that refused their files.</summary>
    public async Task PrepareAsync(TimeSpan timeout)
    {
        var answers = await Task.WhenAll(_shards.Select(s => s.Prepare())).WaitAsync(timeout);
        var refused = answers.Select((reason, shard) => (reason, shard)).Where(a => a.reason is not null).ToList();
        if (refused.Count > 0)
        {
            throw new InvalidDataException($"Model version {Version}: catalog shard(s) refused: {string.Join("; ", refused.Select(r => $"{r.shard}: {r.reason}"))}");
        }
    }

    /// <summary>Nothing to release here: the shard grains deactivate when idle.</summary>
    public void Dispose()
    {
    }
}
