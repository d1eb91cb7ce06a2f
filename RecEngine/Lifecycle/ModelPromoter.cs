using RecEngine.Ranking;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>What a promotion did.</summary>
public enum PromotionResult
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
public sealed partial class ModelPromoter(ModelRegistry registry, ServingState state, ServingLoader loader, ILogger<ModelPromoter> logger)
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

    /// <summary>Publishes a snapshot already built (a validated candidate) and marks its version serving.</summary>
    public void Publish(ServingSnapshot snapshot, string reason)
    {
        lock (_publish)
        {
            state.Publish(snapshot);
            registry.MarkServing(snapshot.Version, reason);
        }

        LogPromoted(snapshot.Version, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model version {Version} promoted: {Reason}")]
    private partial void LogPromoted(string version, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model version {Version} refused at promotion: {Reason}")]
    private partial void LogRefused(string version, string reason);
}
