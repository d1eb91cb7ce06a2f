using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Ranking;
using RecEngine.Serving;
using RecEngine.Training;

namespace RecEngine.Lifecycle;

/// <summary>
/// One retraining, start to end: train a candidate on the rolling window before the held-out slice, register it, load
/// it, let a promotion gate decide on its held-out validation (<see cref="IPromotionGate"/>), and carry the decision
/// out: promote it (hot swap), start its canary, or record the rejection with the numbers. A decision the gate left
/// open at the last retraining (a running canary) is taken first. Not thread-safe: <see cref="RetrainingService"/>
/// runs one at a time.
/// </summary>
internal sealed partial class CandidateRetraining(
    ModelTraining training,
    EventStore events,
    ModelRegistry registry,
    ServingLoader loader,
    ServingState state,
    HeldOutComparison heldOut,
    FirstModelGate firstModel,
    IPromotionGate gate,
    ModelPromoter promoter,
    IOptions<LifecycleOptions> options,
    IOptions<HeldOutValidationOptions> validation,
    TimeProvider time,
    ILogger<CandidateRetraining> logger)
{
    public RetrainOutcome Run(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var span = RecEngineTracing.Source.StartActivity("retrain");
        span?.SetTag("recengine.trigger", trigger);
        var outcome = RunPhases(trigger, nowUtc, cancellationToken);
        span?.SetTag("recengine.version", outcome.Version);
        span?.SetTag("recengine.promoted", outcome.Promoted);
        return outcome;
    }

    private RetrainOutcome RunPhases(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (gate.DecidePending(nowUtc) is not { } pending)
        {
            return Retrain(trigger, nowUtc, cancellationToken);
        }

        var concluded = Settle(pending);
        // A canary still short of slates keeps running, and nothing is trained until it is decided.
        return pending.Verdict == PromotionVerdict.Canary ? concluded : Retrain(trigger, nowUtc, cancellationToken) with { Concluded = concluded };
    }

    /// <summary>Train, register, load, decide, promote.</summary>
    private RetrainOutcome Retrain(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (events.NthNewestTimestamp(1, nowUtc) is not { } newest)
        {
            return NotTrained(trigger, "no events to train on");
        }

        var window = RetrainWindow.EndingAt(newest, o);
        string? folder;
        try
        {
            using var train = RecEngineTracing.Source.StartActivity("retrain.train");
            folder = training.TrainWindow(window.Start, window.Cut, window.Cut - o.RankerWindow, o.Epochs, o.TrainingThreads, TextWriter.Null, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return NotTrained(trigger, "training failed: " + ex.Message);
        }

        if (folder is null)
        {
            return NotTrained(trigger, "no videos to train on");
        }

        var version = Path.GetFileName(folder);
        registry.Register(folder, trigger);
        ServingSnapshot candidate;
        try
        {
            using var load = RecEngineTracing.Source.StartActivity("retrain.load");
            candidate = loader.LoadSnapshot(folder, o.TrainingThreads);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or RankerModelException)
        {
            return Promote(PromotionDecision.Reject(version, validation.Value.DecidingMetric, "the candidate does not load: " + ex.Message), null, trigger);
        }

        var published = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var validate = RecEngineTracing.Source.StartActivity("retrain.validate");
            using var serving = state.Acquire();
            var subject = new PromotionCandidate(version, candidate, serving?.Snapshot, window);
            var decision = heldOut.TryMeasure(subject, out var evidence, out var unscorable)
                ? (serving is null ? firstModel : gate).Decide(subject, evidence)
                : unscorable;
            Record(decision);
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = Promote(decision, candidate, trigger);
            published = decision.Verdict != PromotionVerdict.Reject;
            return outcome;
        }
        finally
        {
            if (!published)
            {
                candidate.Dispose();
            }
        }
    }

    /// <summary>Carries out a decision on a new candidate: serves it to everyone, starts its canary, or rejects it.</summary>
    private RetrainOutcome Promote(PromotionDecision decision, ServingSnapshot? candidate, string trigger)
    {
        var (version, reason) = (decision.Version, decision.Reason);
        var outcome = new RetrainOutcome(version, false, reason, decision.Metric, decision.CandidateValue, decision.BaselineValue);
        switch (decision.Verdict)
        {
            case PromotionVerdict.Promote when candidate is not null:
                promoter.Publish(candidate, reason);
                LogPromoted(version, trigger, reason);
                return outcome with { Promoted = true };
            case PromotionVerdict.Canary when candidate is not null:
                promoter.StartCanary(candidate, decision.CanaryShare, time.GetUtcNow().UtcDateTime, reason);
                return outcome with { Canary = true };
            default:
                registry.MarkRejected(version, reason);
                LogRejected(version, reason);
                return outcome;
        }
    }

    /// <summary>Carries out a decision on the running canary: promotes it to everyone, stops and rejects it, or leaves it running.</summary>
    private RetrainOutcome Settle(PromotionDecision decision)
    {
        Record(decision);
        var (version, reason) = (decision.Version, decision.Reason);
        var outcome = new RetrainOutcome(version, false, reason, decision.Metric, decision.CandidateValue, decision.BaselineValue);
        switch (decision.Verdict)
        {
            case PromotionVerdict.Promote:
                return outcome with { Promoted = promoter.PromoteCanary(reason) };
            case PromotionVerdict.Reject:
                promoter.RejectCanary(reason);
                LogRejected(version, reason);
                return outcome;
            default:
                LogCanaryContinues(version, reason);
                return outcome with { Canary = true };
        }
    }

    private void Record(PromotionDecision decision)
    {
        if (decision.Validation is { } v)
        {
            registry.RecordValidation(decision.Version, v, decision.Metrics);
        }
    }

    private RetrainOutcome NotTrained(string trigger, string reason)
    {
        LogNotTrained(trigger, reason);
        return new RetrainOutcome(null, false, reason, validation.Value.Metric, null, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining ({Trigger}) promoted model version {Version}: {Reason}")]
    private partial void LogPromoted(string version, string trigger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining rejected model version {Version}: {Reason}")]
    private partial void LogRejected(string version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Canary of model version {Version}: {Reason}")]
    private partial void LogCanaryContinues(string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining ({Trigger}) trained nothing: {Reason}")]
    private partial void LogNotTrained(string trigger, string reason);
}
