using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// The gate with canaries on (<see cref="CanaryOptions.Share"/> above 0): a candidate serves a share of users until the
/// next retraining, which promotes or rejects it by watch seconds per slate against the serving model's over the same
/// hours (<see cref="CanaryComparison"/>, an online A/B test). Its held-out validation is recorded but does not decide
/// (see <see cref="CanaryOptions"/>), except where no watch names a slate and so there is no online evidence.
/// </summary>
internal sealed class CanaryGate(EventStore events, ModelRegistry registry, ServingState state, IOptions<CanaryOptions> options) : IPromotionGate
{
    public PromotionDecision Decide(PromotionCandidate candidate, HeldOutEvidence evidence)
    {
        var share = options.Value.Share;
        var reason = string.Create(CultureInfo.InvariantCulture, $"serving a canary to {share:0.##%} of users; held-out validation (recorded, the canary decides): {evidence.Explain()}");
        return PromotionDecision.On(evidence, candidate.Version, PromotionVerdict.Canary, reason) with { CanaryShare = share };
    }

    public PromotionDecision? DecidePending(DateTime nowUtc)
    {
        if (state.Canary is not { } canary)
        {
            return null;
        }

        using var decide = RecEngineTracing.Source.StartActivity("retrain.decide_canary");
        var comparison = CanaryComparison.Measure(events.InWindow(canary.StartedAt, nowUtc), canary.Version);
        return Conclude(canary, comparison, state.Current?.Version ?? "none", registry.Get(canary.Version)?.Validation, nowUtc);
    }

    /// <summary>
    /// Promotes or rejects the canary by its watch seconds per slate against the serving model's since it started;
    /// keeps it running (<see cref="PromotionVerdict.Canary"/>) while either side has fewer than
    /// <see cref="CanaryOptions.MinSlates"/>. Without online evidence <paramref name="offline"/>, the held-out
    /// validation recorded when it started, decides.
    /// </summary>
    internal PromotionDecision Conclude(ServingCanary canary, CanaryComparison comparison, string serving, ModelValidation? offline, DateTime nowUtc)
    {
        var o = options.Value;
        var (c, s) = (comparison.Canary, comparison.Serving);
        PromotionDecision Decision(PromotionVerdict verdict, string reason) => new(canary.Version, verdict, reason, CanaryComparison.Metric, c.MeanWatchSeconds, s.MeanWatchSeconds);

        if (c.Slates < o.MinSlates || s.Slates < o.MinSlates)
        {
            return Decision(PromotionVerdict.Canary, $"the canary of {canary.Version} continues, nothing trained: {comparison.Describe()}; each side needs {o.MinSlates} slates");
        }

        if (c.MeanWatchSeconds <= 0 && s.MeanWatchSeconds <= 0)
        {
            // No watch names a slate of either side (clients that send no request_id): no online evidence, so the
            // held-out validation recorded when the canary started decides.
            var passed = offline?.Passed == true;
            var why = $"no watch joined to a slate of either side ({c.Slates} canary, {s.Slates} serving slates; events need the slate's request_id), so held-out validation decides: " +
                (offline is null ? "none recorded" : string.Create(CultureInfo.InvariantCulture, $"{offline.Metric} {offline.CandidateValue:0.0000} vs {offline.Baseline} {offline.BaselineValue:0.0000}, {(passed ? "passed" : "failed")}"));
            return Decision(passed ? PromotionVerdict.Promote : PromotionVerdict.Reject, (passed ? "canary promoted: " : "canary rejected: ") + why);
        }

        var validation = new ModelValidation
        {
            Metric = CanaryComparison.Metric,
            CandidateValue = c.MeanWatchSeconds,
            Baseline = "serving:" + serving,
            BaselineValue = s.MeanWatchSeconds,
            Tolerance = o.Tolerance,
            ToleranceMode = ToleranceMode.Relative,
            Users = c.Slates,
            HeldOutFrom = canary.StartedAt,
            HeldOutTo = nowUtc,
            Passed = HeldOutValidation.NotWorse(c.MeanWatchSeconds, s.MeanWatchSeconds, o.Tolerance, ToleranceMode.Relative),
        };
        var tolerance = string.Create(CultureInfo.InvariantCulture, $"relative tolerance {o.Tolerance:0.####}");
        var reason = validation.Passed
            ? $"canary not worse than serving {serving} within the {tolerance}: {comparison.Describe()}"
            : $"canary worse than serving {serving} beyond the {tolerance}: {comparison.Describe()}";
        return Decision(validation.Passed ? PromotionVerdict.Promote : PromotionVerdict.Reject, reason) with
        {
            Validation = validation,
            Metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["canary_watch_seconds_per_slate"] = c.MeanWatchSeconds,
                ["canary_serving_watch_seconds_per_slate"] = s.MeanWatchSeconds,
                ["canary_slates"] = c.Slates,
                ["canary_serving_slates"] = s.Slates,
                ["canary_lift"] = comparison.Lift,
                ["canary_lift_standard_error"] = comparison.LiftStandardError,
            },
        };
    }
}
