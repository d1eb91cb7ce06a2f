namespace RecEngine.Cluster;

/// <summary>
/// The model version the cluster serves (one grain, key 0). A silo whose version changes (a promotion through its API)
/// sets it; every silo's <see cref="ClusterVersionFollower"/> reads it and moves to it. Held in memory: when the silo
/// holding it leaves, the grain comes back empty and the next silo to tick sets it to the version it serves.
/// </summary>
internal interface IServingVersionGrain : IGrainWithIntegerKey
{
    Task<string?> Get();

    Task Set(string version);
}

internal sealed class ServingVersionGrain : Grain, IServingVersionGrain
{
    private string? _version;

    public Task<string?> Get() => Task.FromResult(_version);

    public Task Set(string version)
    {
        _version = version;
        return Task.CompletedTask;
    }
}
