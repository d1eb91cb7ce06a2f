using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Lifecycle;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>The lifecycle's options: each mode's knobs only where they apply, and one set elsewhere stops the start.</summary>
public sealed class LifecycleOptionsTests
{
    [Theory]
    [InlineData("Canary:Tolerance", "0.05", "Canary:Share", "0", "with canaries off (RecEngine:Lifecycle:Canary:Share 0): held-out validation decides")]
    [InlineData("Canary:MinSlates", "500", "Canary:Share", "0", "with canaries off (RecEngine:Lifecycle:Canary:Share 0): held-out validation decides")]
    [InlineData("Validation:RetrievalGuardTolerance", "0.3", "Canary:Share", "0.2", "with canaries on (RecEngine:Lifecycle:Canary:Share 0.2): the canary decides, not held-out validation")]
    [InlineData("Validation:ExplorationMinWatches", "50", "Validation:Set", "Retrieval", "with RecEngine:Lifecycle:Validation:Set Retrieval (only exploration validation reads it)")]
    [InlineData("Validation:ExplorationUsers", "50", "Validation:Set", "Replay", "with RecEngine:Lifecycle:Validation:Set Replay (only exploration validation reads it)")]
    [InlineData("Validation:ExplorationCandidates", "100", "Validation:Set", "Retrieval", "with RecEngine:Lifecycle:Validation:Set Retrieval (only exploration validation reads it)")]
    [InlineData("Schedule:Interval", "12:00:00", "Schedule:Enabled", "false", "with the schedule off (RecEngine:Lifecycle:Schedule:Enabled false)")]
    [InlineData("Schedule:DriftDebounce", "01:00:00", "Schedule:RetrainOnDrift", "false", "with drift retraining off (RecEngine:Lifecycle:Schedule:RetrainOnDrift false)")]
    public void AKnobWithNoEffectInTheChosenModeStopsTheStartNamingKnobAndMode(string knob, string value, string mode, string modeValue, string why)
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:" + mode] = modeValue,
            ["RecEngine:Lifecycle:" + knob] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.Services);

        Assert.Equal($"RecEngine:Lifecycle:{knob} has no effect {why}; remove it.", Assert.Single(error.Failures));
    }

    [Theory]
    [InlineData("CanaryShare", "0", "Canary:Share")]
    [InlineData("ValidationCandidates", "100", "Validation:ExplorationCandidates")]
    [InlineData("ScheduleEnabled", "false", "Schedule:Enabled")]
    public void AKnobUnderItsOldFlatNameStopsTheStartNamingWhereItMoved(string old, string value, string moved)
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Lifecycle:" + old] = value });

        var error = Assert.Throws<OptionsValidationException>(() => factory.Services);

        Assert.Equal($"RecEngine:Lifecycle:{old} has no effect (it moved to RecEngine:Lifecycle:{moved}); remove it.", Assert.Single(error.Failures));
    }

    [Fact]
    public void TheDefaultsStartWithCanariesOnExplorationValidationAndTheDailySchedule()
    {
        using var factory = new RecEngineFactory();

        var services = factory.Services;

        Assert.Equal(new LifecycleOptions(), services.GetRequiredService<IOptions<LifecycleOptions>>().Value);
        Assert.Equal(new RetrainingScheduleOptions(), services.GetRequiredService<IOptions<RetrainingScheduleOptions>>().Value);
        Assert.Equal(new HeldOutValidationOptions(), services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value);
        Assert.Equal(new CanaryOptions(), services.GetRequiredService<IOptions<CanaryOptions>>().Value);
        Assert.Equal((0.2, ValidationSet.Exploration, 0.5, true, TimeSpan.FromDays(1)), (
            services.GetRequiredService<IOptions<CanaryOptions>>().Value.Share,
            services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value.Set,
            services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value.RetrievalGuardTolerance,
            services.GetRequiredService<IOptions<RetrainingScheduleOptions>>().Value.Enabled,
            services.GetRequiredService<IOptions<RetrainingScheduleOptions>>().Value.Interval));
        Assert.IsType<CanaryGate>(services.GetRequiredService<IPromotionGate>());
    }

    [Fact]
    public void EachModesOwnKnobsStart()
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Canary:Share"] = "0",
            ["RecEngine:Lifecycle:Validation:Set"] = "Exploration",
            ["RecEngine:Lifecycle:Validation:RetrievalGuardTolerance"] = "0.3",
            ["RecEngine:Lifecycle:Validation:ExplorationMinWatches"] = "50",
            ["RecEngine:Lifecycle:Schedule:Enabled"] = "true",
            ["RecEngine:Lifecycle:Schedule:Interval"] = "12:00:00",
            ["RecEngine:Lifecycle:Schedule:DriftDebounce"] = "01:00:00",
        });

        var validation = factory.Services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value;

        Assert.Equal((0.3, 50), (validation.RetrievalGuardTolerance, validation.ExplorationMinWatches));
        Assert.Equal(TimeSpan.FromHours(12), factory.Services.GetRequiredService<IOptions<RetrainingScheduleOptions>>().Value.Interval);
        Assert.IsType<HeldOutGate>(factory.Services.GetRequiredService<IPromotionGate>());
    }

    [Fact]
    public void CanaryKnobsStartWithCanariesOn()
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?>
        {
            ["RecEngine:Lifecycle:Canary:Share"] = "0.3",
            ["RecEngine:Lifecycle:Canary:Tolerance"] = "0.05",
            ["RecEngine:Lifecycle:Canary:MinSlates"] = "500",
            ["RecEngine:Lifecycle:Validation:Set"] = "Replay",
            ["RecEngine:Lifecycle:Validation:Users"] = "300",
        });

        var canary = factory.Services.GetRequiredService<IOptions<CanaryOptions>>().Value;

        Assert.Equal(new CanaryOptions { Share = 0.3, Tolerance = 0.05, MinSlates = 500 }, canary);
        Assert.Equal(300, factory.Services.GetRequiredService<IOptions<HeldOutValidationOptions>>().Value.Users);
    }
}
