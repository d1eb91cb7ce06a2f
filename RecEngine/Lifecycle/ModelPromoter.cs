using RecEngine.Ranking;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>What a promotion did.</summary>
internal enum PromotionResult
{
    Promoted,
    AlreadyServing,
    NotFound,

    /// <summary>The version's files fail their checksums or do not load; what serves is unchanged.</summary>
    Unloadable,
}

/// <summary>
/// Promotes a version (forward, or back to an older one): builds its snapshot off to the side, publishes it
/// (in-flight requests finish on the old snapshot, which is disposed after they drain), then updates the registry.
/// Promotions are serialised so the registry's serving version is the one published last.
/// </summary>
internal sealed partial class ModelPromoter(ModelRegistry registry, ServingState state, ServingLoader loader, ILogger<ModelPromoter> logger)
{
    private readonly Lock _publish = new();

    /// <summary>Loads and promotes <paramref name="version"/>; <paramref name="detail"/> says why when it is not promoted.</summary>
    public PromotionResult Promote(string version, string reason, string trigger, out string detail, int? buildThreads = null)
    {
        var folder = registry.Folder(version);
        if (!Directory.Exists(folder))
        {
            detail = registry.Get(version) is null ? $"No model version {version}." : $"The files of model version {version} are gone.";
            return PromotionResult.NotFound;
        }

        registry.GetOrRegister(version, trigger);
        if (state.Current?.Version == version && registry.Serving()?.Version == version)
        {
            detail = $"Model version {version} is already serving.";
            return PromotionResult.AlreadyServing;
        }

        if (state.Canary?.Version == version && PromoteCanary(reason))
        {
            // The canary's snapshot is loaded already: it becomes the serving one.
            detail = reason;
            return PromotionResult.Promoted;
        }

        ServingSnapshot snapshot;
        try
        {
            snapshot = loader.LoadSnapshot(folder, buildThreads);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or RankerModelException)
        {
            detail = ex.Message;
            registry.MarkRejected(version, "refused at promotion: " + ex.Message);
            LogRefused(version, ex.Message);
            return PromotionResult.Unloadable;
        }

        Publish(snapshot, reason);
        detail = reason;
        return PromotionResult.Promoted;
    }

    /// <summary>
    /// Publishes a snapshot already built (a validated candidate) and marks its version serving. A canary of another
    /// version stops and is rejected: its comparison was against the model this one replaces.
    /// </summary>
    public void Publish(ServingSnapshot snapshot, string reason)
    {
        lock (_publish)
        {
            var stopped = state.Publish(snapshot);
            registry.MarkServing(snapshot.Version, reason);
            if (stopped is not null && stopped != snapshot.Version)
            {
                registry.MarkRejected(stopped, $"canary stopped: {snapshot.Version} was promoted while it ran");
                LogCanaryStopped(stopped, snapshot.Version);
            }
        }

        LogPromoted(snapshot.Version, reason);
    }

    /// <summary>
    /// Serves <paramref name="snapshot"/> (a validated candidate) to <paramref name="share"/> of users from
    /// <paramref name="startedAt"/>; the registry records it as a candidate in canary with the reason.
    /// </summary>
    public void StartCanary(ServingSnapshot snapshot, double share, DateTime startedAt, string reason)
    {
        lock (_publish)
        {
            var stopped = state.Canary?.Version;
            state.StartCanary(snapshot, share, startedAt);
            registry.MarkCanary(snapshot.Version, reason, startedAt);
            if (stopped is not null && stopped != snapshot.Version)
            {
                registry.MarkRejected(stopped, $"canary stopped: replaced by the canary of {snapshot.Version}");
            }
        }

        LogCanaryStarted(snapshot.Version, share, reason);
    }

    /// <summary>Promotes the running canary to every user; false when none runs.</summary>
    public bool PromoteCanary(string reason)
    {
        string? version;
        lock (_publish)
        {
            version = state.PromoteCanary();
            if (version is null)
            {
                return false;
            }

            registry.MarkServing(version, reason);
        }

        LogPromoted(version, reason);
        return true;
    }

    /// <summary>Stops the running canary and rejects its version with the reason; the version, or null when none ran.</summary>
    public string? RejectCanary(string reason)
    {
        string? version;
        lock (_publish)
        {
            version = state.StopCanary();
            if (version is not null)
            {
                registry.MarkRejected(version, reason);
            }
        }

        return version;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model version {Version} promoted: {Reason}")]
    private partial void LogPromoted(string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model version {Version} serves a canary to {Share:P0} of users: {Reason}")]
    private partial void LogCanaryStarted(string version, double share, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Canary of model version {Version} stopped and rejected: {Promoted} was promoted while it ran")]
    private partial void LogCanaryStopped(string version, string promoted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model version {Version} refused at promotion: {Reason}")]
    private partial void LogRefused(string version, string reason);
}
