using System.Text.Json;
using MathNet.Numerics.Distributions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Monitoring;
using Xunit.Abstractions;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

/// <summary>
/// Rolling references (<see cref="RollingBaselines"/>): a cumulative counter that grows on stationary traffic raises no
/// alarm over many checks, while the same counter against a fixed reference alarms (the negative control), an abrupt
/// jump in it is still flagged, and the report names each feature's baseline and reference.
/// </summary>
public sealed class RollingBaselineTests(ITestOutputHelper output)
{
    private const string Counter = "user_watches";
    private const int Users = 20_000, Window = 2000, HistoryIntervals = 30;
    private static readonly string[] Devices = ["tv", "phone", "web"];

    /// <summary>
    /// One monitor over a stationary platform: users with a fixed activity rate each (heavy-tailed), a window of served
    /// slates per check from users drawn at random, and each slate's value of the user's cumulative watch count, which
    /// grows with the intervals the platform has run. The device mix is stationary and keeps its fixed reference.
    /// </summary>
    private sealed class Platform
    {
        private readonly double[] _rates;
        private readonly Random _random;

        public Platform(int seed, MonitoringOptions options)
        {
            _random = new Random(seed);
            _rates = LogNormal.WithMuSigma(-0.5, 1.0, _random).Samples().Take(Users).ToArray();
            Options = options;
            Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
            Source = new InMemoryDriftDataSource(options.LiveWindowCapacity, Time, seed);
            Monitor = new DriftMonitor(Source, [], Microsoft.Extensions.Options.Options.Create(options), Time, new TestLogger<DriftMonitor>());
            Source.SetReference(new ReferenceProfile
            {
                ModelVersion = "v1",
                Features =
                [
                    NumericFeatureReference.Build(Counter, Counts(0, 1.0), options.PsiBins, options.ReferenceSampleSize, seed: 1),
                    CategoricalFeatureReference.Build("device", Categories(_random, 10_000, [1, 2, 1], Devices)),
                ],
            });
        }

        public MonitoringOptions Options { get; }

        public FakeTimeProvider Time { get; }

        public InMemoryDriftDataSource Source { get; }

        public DriftMonitor Monitor { get; }

        /// <summary>One interval of traffic (counters scaled by <paramref name="factor"/>, 1 when healthy), then the check.</summary>
        public async Task<DriftReport> CheckAsync(int interval, double factor = 1.0)
        {
            Source.Record(Counter, Counts(interval, factor));
            foreach (var device in Categories(_random, Window, [1, 2, 1], Devices))
            {
                Source.Record("device", device);
            }

            Time.Advance(Options.Interval);
            return (await Monitor.CheckOnceAsync(CancellationToken.None))!;
        }

        /// <summary>Each slate's user: watches so far, Poisson with mean rate x intervals run (history included).</summary>
        private double[] Counts(int interval, double factor)
        {
            var values = new double[Window];
            for (var i = 0; i < Window; i++)
            {
                var rate = _rates[_random.Next(Users)];
                values[i] = Math.Floor(factor * Poisson.Sample(_random, rate * (HistoryIntervals + interval)));
            }

            return values;
        }
    }

    private static MonitoringOptions Rolling(bool rolling) => Options(minWindow: 1000) with
    {
        Interval = TimeSpan.FromMinutes(5),
        ReferenceSampleSize = 5000,
        LiveWindowCapacity = 10_000,
        RollingFeatures = rolling ? [Counter] : [],
    };

    private static FeatureDrift Feature(DriftReport report, string name) => report.Features.Single(f => f.Feature == name);

    [Fact]
    public async Task A_steadily_growing_counter_raises_no_alarm_over_200_checks_with_a_rolling_reference()
    {
        const int checks = 200;
        var rolling = new Platform(seed: 7, Rolling(true));
        var fixedControl = new Platform(seed: 7, Rolling(false));
        int alarms = 0, fixedAlarms = 0, judged = 0;
        for (var interval = 1; interval <= checks; interval++)
        {
            var report = await rolling.CheckAsync(interval);
            var counter = Feature(report, Counter);
            alarms += counter.State == DriftState.Drift ? 1 : 0;
            judged += counter.State is DriftState.Ok or DriftState.Warn or DriftState.Drift ? 1 : 0;
            fixedAlarms += Feature(await fixedControl.CheckAsync(interval), Counter).State == DriftState.Drift ? 1 : 0;
        }

        output.WriteLine($"{checks} checks: rolling {alarms} alarms ({judged} judged), fixed reference {fixedAlarms} alarms");
        // The first check (against the version's reference) and the warm-up's window-to-window comparisons are not judged.
        Assert.Equal(checks - 1 - rolling.Options.RollingWarmUpChecks, judged);
        Assert.True(alarms <= checks / 100, $"the growing counter alarmed in {alarms} of {checks} checks with a rolling reference");
        // Negative control: the growth is real and detectable, so against a fixed reference it alarms almost always.
        Assert.True(fixedAlarms >= checks * 9 / 10, $"against a fixed reference the growing counter alarmed in only {fixedAlarms} of {checks} checks");
    }

    [Fact]
    public async Task An_abrupt_jump_in_the_counter_is_flagged_and_held_then_accepted()
    {
        const int jumpAt = 60;
        var platform = new Platform(seed: 11, Rolling(true));
        var states = new List<DriftState>();
        for (var interval = 1; interval <= jumpAt + 10; interval++)
        {
            // From the jump on, every counter reads 30% high (for example an event type counted twice).
            states.Add(Feature(await platform.CheckAsync(interval, interval >= jumpAt ? 1.3 : 1.0), Counter).State);
        }

        var hold = platform.Options.RollingHoldChecks;
        output.WriteLine(string.Join(' ', states.Skip(jumpAt - 5)));
        Assert.DoesNotContain(DriftState.Drift, states.Take(jumpAt - 1));
        // Flagged at the jump and while the reference holds the old level, then the new level is the normal one.
        Assert.All(states.Skip(jumpAt - 1).Take(hold + 1), s => Assert.Equal(DriftState.Drift, s));
        Assert.DoesNotContain(DriftState.Drift, states.Skip(jumpAt + hold + 1));
    }

    [Fact]
    public async Task The_report_names_each_features_baseline_reference_and_dispersion()
    {
        var platform = new Platform(seed: 13, Rolling(true));
        var warmUp = platform.Options.RollingWarmUpChecks;
        var first = await platform.CheckAsync(1);

        // First check: the rolling feature is measured against the version's reference but not judged yet.
        var counter = Feature(first, Counter);
        Assert.Equal(ReferenceBaseline.Rolling, counter.Baseline);
        Assert.Equal(ReferenceOrigin.Training, counter.Reference);
        Assert.Equal(DriftState.InsufficientData, counter.State);
        Assert.NotNull(counter.Statistic);
        Assert.NotNull(counter.ObservedDispersion);
        Assert.Null(counter.Dispersion);

        DriftReport report = first;
        for (var interval = 2; interval <= warmUp + 2; interval++)
        {
            report = await platform.CheckAsync(interval);
        }

        counter = Feature(report, Counter);
        Assert.Equal(ReferenceOrigin.PreviousWindow, counter.Reference);
        Assert.NotEqual(DriftState.InsufficientData, counter.State);
        Assert.True(counter.Dispersion >= 1.0, $"dispersion {counter.Dispersion}");

        var device = Feature(report, "device");
        Assert.Equal(ReferenceBaseline.Fixed, device.Baseline);
        Assert.Equal(ReferenceOrigin.Training, device.Reference);
        Assert.Null(device.Dispersion);
        Assert.NotNull(device.ObservedDispersion);

        // The API and the history show them in snake_case.
        var json = JsonSerializer.Serialize(report, RecEngine.Hosting.ServiceDefaults.Json);
        Assert.Contains("\"baseline\": \"rolling\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reference\": \"previous_window\"", json, StringComparison.Ordinal);
        Assert.Contains("\"observed_dispersion\":", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_model_version_starts_its_rolling_references_again()
    {
        var platform = new Platform(seed: 17, Rolling(true));
        for (var interval = 1; interval <= 5; interval++)
        {
            await platform.CheckAsync(interval);
        }

        var reference = platform.Source.Reference!;
        platform.Source.SetReference(reference with { ModelVersion = "v2" });
        var counter = Feature(await platform.CheckAsync(6), Counter);
        Assert.Equal(ReferenceOrigin.Training, counter.Reference);
        Assert.Equal(DriftState.InsufficientData, counter.State);
    }
}
