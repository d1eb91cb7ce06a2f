using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Lifecycle;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>
/// Each promotion gate on held-out evidence and canary comparisons made up for the case: the verdict, and the reason
/// with its numbers. Retraining end to end over a real world is in <see cref="RetrainingServiceTests"/> and
/// <see cref="CanaryTests"/>.
/// </summary>
public sealed class PromotionGateTests
{
    private static readonly DateTime At = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    // The gates read no snapshot here: only the retrieval guard does, and it needs exploration evidence and a serving model.
    private static readonly PromotionCandidate Candidate = new("v2", null!, null, new RetrainWindow(At.AddDays(-15), At.AddDays(-1), At));

    [Theory]
    [InlineData(0.30, 0.20, true)]
    [InlineData(0.20, 0.20, false)]
    [InlineData(0.10, 0.20, false)]
    public void TheFirstModelMustBeatMostPopularOutright(double candidate, double mostPopular, bool promoted)
    {
        var evidence = Evidence(HeldOutComparison.MostPopular, candidate, mostPopular);

        var decision = new FirstModelGate().Decide(Candidate, evidence);

        Assert.Equal(promoted ? PromotionVerdict.Promote : PromotionVerdict.Reject, decision.Verdict);
        Assert.StartsWith(
            (promoted ? "first model beats most_popular: " : "first model does not beat most_popular: ") + $"ndcg@20 {candidate:0.0000} vs most_popular {mostPopular:0.0000} on 100 held-out users",
            decision.Reason,
            StringComparison.Ordinal);
        Assert.Equal(("v2", "ndcg@20", candidate, mostPopular), (decision.Version, decision.Metric, decision.CandidateValue!.Value, decision.BaselineValue!.Value));
        Assert.Same(evidence.Validation, decision.Validation);
        Assert.Equal(candidate, decision.Metrics["held_out_ndcg@20"]);
    }

    [Theory]
    [InlineData(0.197, true)]
    [InlineData(0.195, false)]
    public void HeldOutValidationPromotesACandidateNotWorseThanServingWithinTheTolerance(double candidate, bool promoted)
    {
        // Relative tolerance 0.02 against serving's 0.2: the bar is 0.196.
        var evidence = Evidence("serving:v1", candidate, 0.2, servingTrainedOnSlice: true);

        var decision = HeldOutGate().Decide(Candidate, evidence);

        Assert.Equal(promoted ? PromotionVerdict.Promote : PromotionVerdict.Reject, decision.Verdict);
        Assert.StartsWith(
            (promoted ? "not worse than serving within the relative tolerance 0.02: " : "worse than serving beyond the relative tolerance 0.02: ") + $"ndcg@20 {candidate:0.0000} vs serving:v1 0.2000",
            decision.Reason,
            StringComparison.Ordinal);
        Assert.EndsWith("(the serving model was trained on this slice too, which favours it)", decision.Reason, StringComparison.Ordinal);
        Assert.Same(evidence.Validation, decision.Validation);
    }

    [Fact]
    public async Task TheGateIsChosenOnceFromTheOptionsAndACanaryStartsWhateverHeldOutValidationSays()
    {
        await using (var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Lifecycle:Canary:Share"] = "0" }))
        {
            Assert.IsType<HeldOutGate>(factory.Services.GetRequiredService<IPromotionGate>());
        }

        await using var canaries = new RecEngineFactory();
        var gate = Assert.IsType<CanaryGate>(canaries.Services.GetRequiredService<IPromotionGate>());
        var evidence = Evidence("serving:v1", 0.1, 0.2);

        var decision = gate.Decide(Candidate, evidence);

        Assert.Equal(PromotionVerdict.Canary, decision.Verdict);
        Assert.Equal(0.2, decision.CanaryShare);
        Assert.StartsWith("serving a canary to 20% of users; held-out validation (recorded, the canary decides): worse than serving beyond the relative tolerance 0.02: ndcg@20 0.1000", decision.Reason, StringComparison.Ordinal);
        Assert.Same(evidence.Validation, decision.Validation);
        Assert.Null(gate.DecidePending(At));
    }

    [Theory]
    [InlineData(29.0, true, "canary not worse than serving v1 within the relative tolerance 0.1: ")]
    [InlineData(28.0, false, "canary worse than serving v1 beyond the relative tolerance 0.1: ")]
    public async Task TheNextRetrainingPromotesTheCanaryWithinTheToleranceOfServingsWatchTimePerSlate(double canarySeconds, bool promoted, string reason)
    {
        await using var factory = new RecEngineFactory();
        var gate = (CanaryGate)factory.Services.GetRequiredService<IPromotionGate>();
        // Relative tolerance 0.1 against serving's 32 s per slate: the bar is 28.8 s.
        var comparison = new CanaryComparison("v2", new CanaryArm(200, canarySeconds, 100), new CanaryArm(800, 32, 100));

        var decision = gate.Conclude(new ServingCanary("v2", 0.2, At.AddDays(-1)), comparison, "v1", offline: null, At);

        Assert.Equal(promoted ? PromotionVerdict.Promote : PromotionVerdict.Reject, decision.Verdict);
        Assert.StartsWith(reason + comparison.Describe(), decision.Reason, StringComparison.Ordinal);
        Assert.Equal((CanaryComparison.Metric, canarySeconds, 32.0), (decision.Metric, decision.CandidateValue!.Value, decision.BaselineValue!.Value));
        var validation = decision.Validation!;
        Assert.Equal((promoted, "serving:v1", 200, At.AddDays(-1), At), (validation.Passed, validation.Baseline, validation.Users, validation.HeldOutFrom, validation.HeldOutTo));
        Assert.Equal(200, decision.Metrics["canary_slates"]);
        Assert.Equal(800, decision.Metrics["canary_serving_slates"]);
    }

    [Fact]
    public async Task ACanaryShortOfSlatesKeepsRunningAndWithoutWatchesTheHeldOutVerdictDecides()
    {
        await using var factory = new RecEngineFactory();
        var gate = (CanaryGate)factory.Services.GetRequiredService<IPromotionGate>();
        var canary = new ServingCanary("v2", 0.2, At.AddDays(-1));

        var waiting = gate.Conclude(canary, new CanaryComparison("v2", new CanaryArm(99, 40, 1), new CanaryArm(800, 32, 1)), "v1", offline: null, At);
        var unwatched = new CanaryComparison("v2", new CanaryArm(200, 0, 0), new CanaryArm(800, 0, 0));
        var passed = gate.Conclude(canary, unwatched, "v1", Evidence("serving:v1", 0.3, 0.2).Validation, At);
        var unrecorded = gate.Conclude(canary, unwatched, "v1", offline: null, At);

        Assert.Equal(PromotionVerdict.Canary, waiting.Verdict);
        Assert.StartsWith("the canary of v2 continues, nothing trained: ", waiting.Reason, StringComparison.Ordinal);
        Assert.EndsWith("; each side needs 100 slates", waiting.Reason, StringComparison.Ordinal);
        Assert.Null(waiting.Validation);
        Assert.Equal(PromotionVerdict.Promote, passed.Verdict);
        Assert.StartsWith("canary promoted: no watch joined to a slate of either side (200 canary, 800 serving slates", passed.Reason, StringComparison.Ordinal);
        Assert.EndsWith("held-out validation decides: ndcg@20 0.3000 vs serving:v1 0.2000, passed", passed.Reason, StringComparison.Ordinal);
        Assert.Null(passed.Validation);
        Assert.Equal(PromotionVerdict.Reject, unrecorded.Verdict);
        Assert.EndsWith("held-out validation decides: none recorded", unrecorded.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("most_popular", 0.21, 0.2, ToleranceMode.Relative, 0.02, true)]
    [InlineData("most_popular", 0.2, 0.2, ToleranceMode.Relative, 0.02, false)]
    [InlineData("serving:v1", 0.197, 0.2, ToleranceMode.Relative, 0.02, true)]
    [InlineData("serving:v1", 0.195, 0.2, ToleranceMode.Relative, 0.02, false)]
    [InlineData("serving:v1", 0.22, 0.2, ToleranceMode.Absolute, -0.01, true)]
    [InlineData("serving:v1", 0.205, 0.2, ToleranceMode.Absolute, -0.01, false)]
    public void HeldOutValidationPassesWithinTheToleranceOfAModelAndOutrightAgainstMostPopular(string baseline, double candidate, double baselineValue, ToleranceMode mode, double tolerance, bool passes)
    {
        var validation = new ModelValidation { Baseline = baseline, CandidateValue = candidate, BaselineValue = baselineValue, ToleranceMode = mode, Tolerance = tolerance };

        Assert.Equal(passes, HeldOutComparison.Passes(validation));
    }

    private static HeldOutGate HeldOutGate(HeldOutValidationOptions? options = null) =>
        new(Options.Create(options ?? new HeldOutValidationOptions()), Options.Create(new CandidateOptions()));

    /// <summary>Held-out evidence as <see cref="HeldOutComparison"/> records it, passed or not by its rule.</summary>
    private static HeldOutEvidence Evidence(string baseline, double candidate, double baselineValue, bool servingTrainedOnSlice = false, string metric = "ndcg@20")
    {
        var validation = new ModelValidation
        {
            Metric = metric,
            CandidateValue = candidate,
            Baseline = baseline,
            BaselineValue = baselineValue,
            Tolerance = 0.02,
            ToleranceMode = ToleranceMode.Relative,
            Users = 100,
            HeldOutFrom = At.AddDays(-1),
            HeldOutTo = At,
            ServingTrainedOnSlice = servingTrainedOnSlice,
        };
        validation.Passed = HeldOutComparison.Passes(validation);
        return new HeldOutEvidence(validation, new Dictionary<string, double> { ["held_out_" + metric] = candidate }, null, [], At.AddDays(-1));
    }
}
