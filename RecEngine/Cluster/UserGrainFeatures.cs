using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Cluster;

/// <summary>
/// A cluster silo's user features: read from the user's grain (seeded, the first time, from this silo's stored events),
/// within the shard deadline; when the grain does not answer in time the silo's own cache answers, counted.
/// </summary>
internal sealed class UserGrainFeatures(IGrainFactory grains, UserFeatureCache local, EventStore events, IOptions<ClusterOptions> options) : IUserFeatureSource
{
    public UserFeatures Get(string userId)
    {
        try
        {
            var grain = grains.GetGrain<IUserFeaturesGrain>(userId);
            var deadline = options.Value.ShardDeadline;
            var features = grain.Get().WaitAsync(deadline).GetAwaiter().GetResult();
            if (features is null)
            {
                UserEventMessage[] history;
                using (events.EnterConsistentRead())
                {
                    history = events.AllForUser(userId).Select(UserEventMessage.Of).ToArray();
                }

                features = grain.Seed(history).WaitAsync(deadline).GetAwaiter().GetResult();
            }

            return features.ToFeatures();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Late, reactivating, or its silo gone: a slate from this silo's own view of the user beats no slate.
            ClusterMetrics.UserGrainFallbacks.Inc();
            return local.Get(userId);
        }
    }
}

/// <summary>Sends every commit's events to their users' grains (one call per user, not awaited: commits never wait on the cluster).</summary>
internal sealed class UserGrainEvents(IGrainFactory grains) : IEventCommitListener
{
    public void OnCommitted(IReadOnlyList<InteractionEvent> events)
    {
        foreach (var user in events.GroupBy(e => e.UserId, StringComparer.Ordinal))
        {
            var call = grains.GetGrain<IUserFeaturesGrain>(user.Key).Apply(user.Select(UserEventMessage.Of).ToArray());
            _ = call.ContinueWith(static c => ClusterMetrics.UserGrainFallbacks.Inc(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}
