namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Runs the stages once on a snapshot before it is published, for a user with no history: the pipeline is
/// JIT-compiled and ONNX Runtime makes its first (slow) run, so the first real requests on a new version do not
/// pay for that and miss their deadline. A failure here is logged and does not stop the version from serving.
/// </summary>
public sealed partial class SnapshotWarmup(RetrieveStage retrieve, FilterStage filter, ScoreStage score, OrderStage order, TimeProvider time, ILogger<SnapshotWarmup> logger)
{
    /// <summary>Not a catalog id (ids are letters, digits and _-.:), so retrieval takes the no-history path and reads no store.</summary>
    private const string WarmupUser = "\u0000warmup";

    public void Run(ServingSnapshot snapshot)
    {
        try
        {
            var slate = new SlateContext(snapshot, new SlateRequest(WarmupUser, 20, [], false), new HashSet<int>(), time.GetUtcNow().UtcDateTime);
            retrieve.Run(slate);
            filter.Run(slate);
            score.Run(slate, TimeSpan.MaxValue);
            order.Run(slate);
        }
        catch (Exception ex)
        {
            LogFailed(ex, snapshot.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up model version {Version} failed; it serves all the same")]
    private partial void LogFailed(Exception ex, string version);
}
