using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Cluster;

/// <summary>
/// The clustered serving tests run alone, after the parallel ones: they put a test cluster under load and judge the
/// slates by the shard deadline, and with the rest of the suite training models on the same cores a request misses
/// its deadline for want of CPU (seen on one core: a slate degraded before the silo was stopped). Their own copy of
/// the served world keeps the other served-world tests parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ServedWorld>
{
    public const string Name = "cluster";
}
