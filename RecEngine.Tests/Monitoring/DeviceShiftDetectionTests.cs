using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Monitoring;
using RecEngine.Simulation;
using RecEngine.Tests.Simulation;

namespace RecEngine.Tests.Monitoring;

/// <summary>
/// The simulator's device-shift scenario, fed through the same recorder that ingestion feeds: the drift report
/// flags the device feature within two check intervals of the switch, and a world without the shift does not.
/// </summary>
public sealed class DeviceShiftDetectionTests
{
    private const int SwitchDay = 3;

    private static async Task<List<DriftReport>> RunChecksAsync(string scenario)
    {
        // Enough users for more than MinWindowSize slates a day.
        var world = TestWorlds.Create(scenario: scenario, users: 5000, days: 6);
        var events = TestWorlds.History(world);
        var switchAt = TestWorlds.Start.AddDays(SwitchDay);
        // Whole days: the device mix follows the daily cycle, so a half-day window differs from a full-day reference by design.
        var options = new MonitoringOptions { Interval = TimeSpan.FromDays(1) };
        var time = new FakeTimeProvider(new DateTimeOffset(switchAt));
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time, seed: 1);
        source.SetReference(EventDriftFeatures.Reference(events.Where(e => e.Timestamp < switchAt), "v1", time.GetUtcNow(), options));
        var recorder = new EventDriftRecorder(source);
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<DriftMonitor>.Instance);

        var reports = new List<DriftReport>();
        for (var check = 0; check < 2; check++)
        {
            // One check interval of traffic after the switch goes through ingestion's listener, then the timer fires.
            var from = switchAt + (check * options.Interval);
            recorder.OnCommitted(events.Where(e => e.Timestamp >= from && e.Timestamp < from + options.Interval).ToList());
            time.Advance(options.Interval);
            reports.Add((await monitor.CheckOnceAsync(CancellationToken.None))!);
        }

        return reports;
    }

    [Fact]
    public async Task DeviceShiftIsFlaggedWithinTwoChecks()
    {
        var reports = await RunChecksAsync("device-shift");
        Assert.Contains(reports, r => r.Features.Single(f => f.Feature == "slate_device").State == DriftState.Drift);
        Assert.Equal(2, RecEngine.Hosting.RecEngineMetrics.DriftState.WithLabels("slate_device").Value);
    }

    [Fact]
    public async Task WithoutTheShiftTheDeviceMixIsNotFlagged()
    {
        var reports = await RunChecksAsync("none");
        Assert.All(reports, r => Assert.NotEqual(DriftState.Drift, r.Features.Single(f => f.Feature == "slate_device").State));
        Assert.All(reports, r => Assert.True(r.Features.Single(f => f.Feature == "slate_device").LiveCount >= new MonitoringOptions().MinWindowSize, "the check must have had enough data to judge"));
    }
}
