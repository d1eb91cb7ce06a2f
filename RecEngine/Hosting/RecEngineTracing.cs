using System.Diagnostics;

namespace RecEngine.Hosting;

/// <summary>
/// The service's spans: one per pipeline stage of a request (under <c>recommend</c>), one per ingestion group
/// commit, one per retraining phase. Without a listener (tracing off, the default) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and costs a branch. <see cref="TracingModule"/> exports them over OTLP when an endpoint is configured.
/// </summary>
internal static class RecEngineTracing
{
    public const string SourceName = "RecEngine";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// A span for work that has just finished (started <paramref name="elapsed"/> ago): the stages are timed for
    /// metrics already, so the span is recorded after the fact rather than carried through the stage.
    /// </summary>
    public static void Completed(string name, TimeSpan elapsed, int candidatesIn, int candidatesOut, string outcome)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var span = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, startTime: DateTimeOffset.UtcNow - elapsed);
        span?.SetTag("recengine.candidates_in", candidatesIn);
        span?.SetTag("recengine.candidates_out", candidatesOut);
        span?.SetTag("recengine.outcome", outcome);
    }
}
