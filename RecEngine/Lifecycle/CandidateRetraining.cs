using RecEngine.Hosting;
using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Ranking;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Training;

namespace RecEngine.Lifecycle;

/// <summary>
/// One retraining, start to end: train a candidate on the rolling window before the held-out slice, register it,
/// score it and the serving model on the slice, then promote it (hot swap) or record the rejection with the
/// numbers. The very first model has no serving baseline and must beat most_popular. With canaries on
/// (<see cref="LifecycleOptions.CanaryShare"/>), a candidate that is not the first serves a share of users instead, and
/// the next retraining first promotes or rejects it by watch time per slate (<see cref="CanaryComparison"/>). Not
/// thread-safe: <see cref="RetrainingService"/> runs one at a time.
/// </summary>
internal sealed partial class CandidateRetraining(
    ModelTraining training,
    EventStore events,
    ModelRegistry registry,
    ModelPromoter promoter,
    ServingLoader loader,
    ServingState state,
    IOptions<LifecycleOptions> options,
    IOptions<CandidateOptions> candidates,
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
        RetrainOutcome? concluded = null;
        if (state.Canary is { } canary)
        {
            using var decide = RecEngineTracing.Source.StartActivity("retrain.decide_canary");
            var (decided, outcome) = DecideCanary(canary, nowUtc, options.Value);
            if (!decided)
            {
                return outcome;
            }

            concluded = outcome;
        }

        var trained = Train(trigger, nowUtc, cancellationToken);
        return concluded is null ? trained : trained with { Concluded = concluded };
    }

    /// <summary>
    /// Promotes or rejects the running canary by its watch seconds per slate against the serving model's since it
    /// started; leaves it running (not decided) while either side has fewer than <see cref="LifecycleOptions.CanaryMinSlates"/>.
    /// </summary>
    private (bool Decided, RetrainOutcome Outcome) DecideCanary(ServingCanary canary, DateTime nowUtc, LifecycleOptions o)
    {
        var comparison = CanaryComparison.Measure(events.InWindow(canary.StartedAt, nowUtc), canary.Version);
        var c = comparison.Canary;
        var s = comparison.Serving;
        if (c.Slates < o.CanaryMinSlates || s.Slates < o.CanaryMinSlates)
        {
            var waiting = $"the canary of {canary.Version} continues, nothing trained: {comparison.Describe()}; each side needs {o.CanaryMinSlates} slates";
            LogCanaryContinues(canary.Version, waiting);
            return (false, new RetrainOutcome(canary.Version, false, waiting, CanaryComparison.Metric, c.MeanWatchSeconds, s.MeanWatchSeconds) { Canary = true });
        }

        var serving = state.Current?.Version ?? "none";
        if (c.MeanWatchSeconds <= 0 && s.MeanWatchSeconds <= 0)
        {
            // No watch names a slate of either side (clients that send no request_id): no online evidence, so the
            // held-out validation recorded when the canary started decides.
            var offline = registry.Get(canary.Version)?.Validation;
            var passed = offline?.Passed == true;
            var why = $"no watch joined to a slate of either side ({c.Slates} canary, {s.Slates} serving slates; events need the slate's request_id), so held-out validation decides: " +
                (offline is null ? "none recorded" : string.Create(CultureInfo.InvariantCulture, $"{offline.Metric} {offline.CandidateValue:0.0000} vs {offline.Baseline} {offline.BaselineValue:0.0000}, {(passed ? "passed" : "failed")}"));
            return (true, Conclude(canary.Version, passed, (passed ? "canary promoted: " : "canary rejected: ") + why, c, s));
        }

        var validation = new ModelValidation
        {
            Metric = CanaryComparison.Metric,
            CandidateValue = c.MeanWatchSeconds,
            Baseline = "serving:" + serving,
            BaselineValue = s.MeanWatchSeconds,
            Tolerance = o.CanaryTolerance,
            ToleranceMode = ToleranceMode.Relative,
            Users = c.Slates,
            HeldOutFrom = canary.StartedAt,
            HeldOutTo = nowUtc,
            Passed = HeldOutValidation.NotWorse(c.MeanWatchSeconds, s.MeanWatchSeconds, o.CanaryTolerance, ToleranceMode.Relative),
        };
        registry.RecordValidation(canary.Version, validation, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["canary_watch_seconds_per_slate"] = c.MeanWatchSeconds,
            ["canary_serving_watch_seconds_per_slate"] = s.MeanWatchSeconds,
            ["canary_slates"] = c.Slates,
            ["canary_serving_slates"] = s.Slates,
            ["canary_lift"] = comparison.Lift,
            ["canary_lift_standard_error"] = comparison.LiftStandardError,
        });
        var tolerance = string.Create(CultureInfo.InvariantCulture, $"relative tolerance {o.CanaryTolerance:0.####}");
        var reason = validation.Passed
            ? $"canary not worse than serving {serving} within the {tolerance}: {comparison.Describe()}"
            : $"canary worse than serving {serving} beyond the {tolerance}: {comparison.Describe()}";
        return (true, Conclude(canary.Version, validation.Passed, reason, c, s));
    }

    /// <summary>Promotes the canary to everyone, or stops and rejects it, with the reason.</summary>
    private RetrainOutcome Conclude(string version, bool promote, string reason, CanaryArm canary, CanaryArm serving)
    {
        var promoted = false;
        if (promote)
        {
            promoted = promoter.PromoteCanary(reason);
        }
        else
        {
            promoter.RejectCanary(reason);
            LogRejected(version, reason);
        }

        return new RetrainOutcome(version, promoted, reason, CanaryComparison.Metric, canary.MeanWatchSeconds, serving.MeanWatchSeconds);
    }

    private RetrainOutcome Train(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var newest = events.Events.Query().Where(e => e.Timestamp <= nowUtc).OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault();
        if (newest is null)
        {
            return Failed(trigger, o, "no events to train on");
        }

        // Train before the cut, validate after it: both models are scored on events neither candidate saw.
        var end = newest.Timestamp.AddMilliseconds(1);
        var cut = end - o.HoldOut;
        var start = cut - o.Window;
        string? folder;
        try
        {
            using var train = RecEngineTracing.Source.StartActivity("retrain.train");
            folder = training.TrainWindow(start, cut, cut - o.RankerWindow, o.Epochs, o.TrainingThreads, TextWriter.Null, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return Failed(trigger, o, "training failed: " + ex.Message);
        }

        if (folder is null)
        {
            return Failed(trigger, o, "no videos to train on");
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
            return Rejected(version, o, "the candidate does not load: " + ex.Message, null, null);
        }

        var published = false;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var validate = RecEngineTracing.Source.StartActivity("retrain.validate");
            var heldOut = events.InWindow(start, end).ToList();
            using var serving = state.Acquire();

            // Score both on events the serving model did not train on either, where there are any after the cut.
            var servingWindowTo = serving is null ? null : registry.Get(serving.Snapshot.Version)?.WindowTo;
            var slice = servingWindowTo is { } seen && seen > cut && seen < end ? seen : cut;
            var explored = o.ValidationSet == ValidationSet.Exploration ? ExplorationValidation.Collect(heldOut, slice) : null;
            var exploredWatches = explored?.Count(x => x.Watched) ?? 0;
            string? note = null;
            var guardFailed = false;
            ModelValidation validation;
            Dictionary<string, double> metrics;
            if (explored is not null && exploredWatches >= o.ExplorationMinWatches)
            {
                var scored = ExplorationValidation.Evaluate(candidate, heldOut, slice, explored, candidates.Value, o);
                if (scored is null)
                {
                    return Rejected(version, o, $"the explored impressions after {slice:u} are all watched or all unwatched: nothing to validate on", null, null);
                }

                (validation, metrics) = ExplorationComparison.Compare(scored, serving?.Snapshot, heldOut, slice, explored, candidates.Value, o);
                var servingOrder = metrics.TryGetValue("held_out_serving_retrieval_order_" + ExplorationValidation.Metric, out var so) ? string.Create(CultureInfo.InvariantCulture, $" vs {so:0.0000}") : "";
                note = string.Create(CultureInfo.InvariantCulture, $"{scored.Watched} watched of {scored.Impressions} explored impressions; in retrieval order {scored.RetrievalOrderAuc:0.0000}{servingOrder}");
                // The guard only matters where held-out validation decides, not under a canary.
                if (serving is not null && o.RetrievalGuardTolerance < 1 && o.CanaryShare <= 0)
                {
                    var (guard, guardPassed) = RetrievalGuard.Check(validation, metrics, candidate, serving.Snapshot, heldOut, slice, candidates.Value, o);
                    note += "; " + guard;
                    guardFailed = !guardPassed;
                }
            }
            else
            {
                if (explored is not null)
                {
                    // Too few explored watches to tell two models apart: say so, and fall back on the conservative comparison.
                    note = string.Create(CultureInfo.InvariantCulture,
                        $"insufficient exploration data ({exploredWatches} watched of {explored.Count} explored impressions, fewer than {o.ExplorationMinWatches}), retrieval validation instead");
                }

                var retrieval = o with { ValidationSet = o.ValidationSet == ValidationSet.Replay ? ValidationSet.Replay : ValidationSet.Retrieval };
                var scored = HeldOutValidation.Evaluate(candidate, heldOut, slice, candidates.Value, retrieval);
                if (scored is not { } result)
                {
                    return Rejected(version, o.Metric, $"no user watched anything new in the held-out slice after {slice:u}: nothing to validate on", null, null);
                }

                validation = Validate(HeldOutValidation.Value(result.Models[Evaluation.PipelineEvaluation.Served], o.Metric), result.Models["most_popular"], serving, heldOut, slice, retrieval);
                validation.Users = result.Users;
                metrics = HeldOutValidation.All(result.Models[Evaluation.PipelineEvaluation.Served], "held_out_");
                foreach (var (name, value) in HeldOutValidation.All(result.Models["most_popular"], "held_out_most_popular_"))
                {
                    metrics[name] = value;
                }
            }

            var candidateValue = validation.CandidateValue;
            validation.HeldOutFrom = slice;
            validation.HeldOutTo = end;
            validation.ServingTrainedOnSlice = servingWindowTo >= end;
            registry.RecordValidation(version, validation, metrics);
            cancellationToken.ThrowIfCancellationRequested();
            var reason = Explain(validation, o, note, guardFailed);
            if (serving is not null && o.CanaryShare > 0)
            {
                // Offline validation favours the serving model or misses catastrophes (see LifecycleOptions.CanaryShare):
                // recorded, and the canary decides.
                var canaryReason = string.Create(CultureInfo.InvariantCulture, $"serving a canary to {o.CanaryShare:0.##%} of users; held-out validation (recorded, the canary decides): {reason}");
                promoter.StartCanary(candidate, o.CanaryShare, time.GetUtcNow().UtcDateTime, canaryReason);
                published = true;
                return new RetrainOutcome(version, false, canaryReason, validation.Metric, candidateValue, validation.BaselineValue) { Canary = true };
            }

            if (!validation.Passed)
            {
                return Rejected(version, validation.Metric, reason, candidateValue, validation.BaselineValue);
            }

            promoter.Publish(candidate, reason);
            published = true;
            LogPromoted(version, trigger, reason);
            return new RetrainOutcome(version, true, reason, validation.Metric, candidateValue, validation.BaselineValue);
        }
        finally
        {
            if (!published)
            {
                candidate.Dispose();
            }
        }
    }

    /// <summary>The candidate against the serving model on the same slice, or against most_popular when none serves.</summary>
    private ModelValidation Validate(double candidateValue, Evaluation.SlateMetrics mostPopular, ServingState.Lease? lease, List<InteractionEvent> heldOut, DateTime cut, LifecycleOptions o)
    {
        var validation = new ModelValidation
        {
            Metric = o.Metric,
            CandidateValue = candidateValue,
            Tolerance = o.Tolerance,
            ToleranceMode = o.ToleranceMode,
        };
        var serving = lease is null ? null : HeldOutValidation.Evaluate(lease.Snapshot, heldOut, cut, candidates.Value, o);
        if (lease is null || serving is null)
        {
            // No baseline model: the first one has to beat the popularity ranking outright.
            validation.Baseline = "most_popular";
            validation.BaselineValue = HeldOutValidation.Value(mostPopular, o.Metric);
            validation.Passed = candidateValue > validation.BaselineValue;
            return validation;
        }

        validation.Baseline = "serving:" + lease.Snapshot.Version;
        validation.BaselineValue = HeldOutValidation.Value(serving.Value.Models[Evaluation.PipelineEvaluation.Served], o.Metric);
        validation.Passed = HeldOutValidation.NotWorse(candidateValue, validation.BaselineValue, o.Tolerance, o.ToleranceMode);
        return validation;
    }

    private static string Explain(ModelValidation v, LifecycleOptions o, string? note, bool guardFailed = false)
    {
        var numbers = string.Create(CultureInfo.InvariantCulture, $"{v.Metric} {v.CandidateValue:0.0000} vs {v.Baseline} {v.BaselineValue:0.0000} on {v.Users} held-out users")
            + (note is null ? "" : $" ({note})");
        if (v.Baseline == "most_popular")
        {
            return v.Passed ? $"first model beats most_popular: {numbers}" : $"first model does not beat most_popular: {numbers}";
        }

        var tolerance = string.Create(CultureInfo.InvariantCulture, $"{o.ToleranceMode.ToString().ToLowerInvariant()} tolerance {o.Tolerance:0.####}");
        var caveat = v.ServingTrainedOnSlice ? " (the serving model was trained on this slice too, which favours it)" : "";
        var verdict = v.Passed ? $"not worse than serving within the {tolerance}" : guardFailed ? $"within the {tolerance} but far worse than serving on retrieval" : $"worse than serving beyond the {tolerance}";
        return $"{verdict}: {numbers}{caveat}";
    }

    private RetrainOutcome Rejected(string version, LifecycleOptions o, string reason, double? candidateValue, double? servingValue) =>
        Rejected(version, o.ValidationSet == ValidationSet.Exploration ? ExplorationValidation.Metric : o.Metric, reason, candidateValue, servingValue);

    private RetrainOutcome Rejected(string version, string metric, string reason, double? candidateValue, double? servingValue)
    {
        registry.MarkRejected(version, reason);
        LogRejected(version, reason);
        return new RetrainOutcome(version, false, reason, metric, candidateValue, servingValue);
    }

    private RetrainOutcome Failed(string trigger, LifecycleOptions o, string reason)
    {
        LogNotTrained(trigger, reason);
        return new RetrainOutcome(null, false, reason, o.Metric, null, null);
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
