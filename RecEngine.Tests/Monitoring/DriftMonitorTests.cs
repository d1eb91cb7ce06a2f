using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Monitoring;
using static RecEngine.Tests.Monitoring.MonitoringTestData;

namespace RecEngine.Tests.Monitoring;

public class DriftMonitorTests
{
    private sealed class RecordingListener : IDriftListener
    {
        public List<DriftStateChange> Changes { get; } = [];

        public void OnDriftStateChanged(DriftStateChange change) => Changes.Add(change);
    }

    private sealed class FailingSource : IDriftDataSource
    {
        public bool Fail { get; set; } = true;

        public ReferenceProfile? Reference => Fail ? throw new InvalidOperationException("store unavailable") : null;

        public LiveWindow TakeWindow() => LiveWindow.Empty;
    }

    private static (DriftMonitor Monitor, InMemoryDriftDataSource Source, RecordingListener Listener, TestLogger<DriftMonitor> Log, FakeTimeProvider Time)
        Create(MonitoringOptions? options = null)
    {
        options ??= Options(minWindow: 500) with { Interval = TimeSpan.FromMinutes(1), HistoryCapacity = 3 };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time, seed: 1);
        var listener = new RecordingListener();
        var log = new TestLogger<DriftMonitor>();
        var monitor = new DriftMonitor(source, [listener], Microsoft.Extensions.Options.Options.Create(options), time, log);
        return (monitor, source, listener, log, time);
    }

    private static ReferenceProfile Reference(Random random, string version) => new()
    {
        ModelVersion = version,
        Features =
        [
            NumericFeatureReference.Build("a", Normal(random, 10_000), 10, 5000, 1),
            NumericFeatureReference.Build("b", Normal(random, 10_000), 10, 5000, 2),
            CategoricalFeatureReference.Build("device", Categories(random, 10_000, [1, 1, 1], ["tv", "phone", "web"])),
        ],
    };

    private static void Feed(InMemoryDriftDataSource source, Random random, double shiftOfB = 0, int count = 2000)
    {
        source.Record("a", Normal(random, count));
        source.Record("b", Normal(random, count, mean: shiftOfB));
        foreach (var d in Categories(random, count, [1, 1, 1], ["tv", "phone", "web"]))
        {
            source.Record("device", d);
        }
    }

    [Fact]
    public async Task Without_a_reference_there_is_no_report()
    {
        var (monitor, _, listener, _, _) = Create();
        Assert.Null(await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Null(monitor.Current);
        Assert.Empty(monitor.History);
        Assert.Empty(listener.Changes);
    }

    [Fact]
    public async Task A_state_change_is_logged_and_announced_once()
    {
        var (monitor, source, listener, log, time) = Create();
        var random = new Random(11);
        source.SetReference(Reference(random, "v1"));

        // First check: every feature goes from unknown to ok, one announcement.
        Feed(source, random);
        var first = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(DriftState.Ok, first!.State);
        Assert.Single(listener.Changes);
        Assert.Equal(3, listener.Changes[0].Features.Count);

        // Still ok: nothing new.
        time.Advance(TimeSpan.FromMinutes(1));
        Feed(source, random);
        await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Single(listener.Changes);

        // b shifts by one sd, for three checks in a row: one change, one warning in the log.
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Feed(source, random, shiftOfB: 1.0);
            var report = await monitor.CheckOnceAsync(CancellationToken.None);
            Assert.Equal(DriftState.Drift, report!.State);
            Assert.Equal(time.GetUtcNow(), report.CheckedAt);
        }

        Assert.Equal(2, listener.Changes.Count);
        var change = listener.Changes[1];
        Assert.Equal(DriftState.Ok, change.Previous);
        Assert.Equal(DriftState.Drift, change.Current);
        var feature = Assert.Single(change.Features);
        Assert.Equal(new FeatureStateChange("b", DriftState.Ok, DriftState.Drift), feature);
        Assert.Single(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("b changed from Ok to Drift", StringComparison.Ordinal));

        // Back to normal: one more change.
        time.Advance(TimeSpan.FromMinutes(1));
        Feed(source, random);
        await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(3, listener.Changes.Count);
        Assert.Equal(DriftState.Ok, listener.Changes[2].Current);

        // History is bounded and newest first.
        Assert.Equal(3, monitor.History.Count);
        Assert.Same(monitor.Current, monitor.History[0]);
        Assert.True(monitor.History[0].CheckedAt > monitor.History[1].CheckedAt);
    }

    [Fact]
    public async Task An_empty_window_is_insufficient_data_not_a_change_to_ok()
    {
        var (monitor, source, listener, _, _) = Create();
        source.SetReference(Reference(new Random(12), "v1"));
        var report = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(DriftState.InsufficientData, report!.State);
        Assert.Empty(listener.Changes);
    }

    [Fact]
    public async Task A_new_model_version_starts_from_a_clean_slate()
    {
        var (monitor, source, listener, _, _) = Create();
        var random = new Random(13);
        source.SetReference(Reference(random, "v1"));
        Feed(source, random, shiftOfB: 1.0);
        await monitor.CheckOnceAsync(CancellationToken.None);
        source.SetReference(Reference(random, "v2"));
        Feed(source, random);
        var report = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal("v2", report!.ModelVersion);
        var last = listener.Changes[^1];
        Assert.All(last.Features, f => Assert.Equal(DriftState.InsufficientData, f.Previous));
    }

    [Fact]
    public async Task A_failing_check_is_logged_and_the_next_one_runs()
    {
        var time = new FakeTimeProvider();
        var source = new FailingSource();
        var log = new TestLogger<DriftMonitor>();
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(new MonitoringOptions()), time, log);

        Assert.Null(await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal(1, monitor.Failures);
        var entry = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(entry.Exception);

        source.Fail = false;
        Assert.Null(await monitor.CheckOnceAsync(CancellationToken.None));
        Assert.Equal(1, monitor.Failures);
    }

    [Fact]
    public async Task Cancellation_passes_through()
    {
        var (monitor, _, _, _, _) = Create();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => monitor.CheckOnceAsync(cts.Token));
    }

    [Fact]
    public async Task The_background_loop_checks_once_per_interval()
    {
        var (monitor, source, _, _, time) = Create();
        var random = new Random(14);
        source.SetReference(Reference(random, "v1"));
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            Assert.Empty(monitor.History);
            for (var tick = 1; tick <= 3; tick++)
            {
                Feed(source, random);
                time.Advance(TimeSpan.FromMinutes(1));
                await WaitForAsync(() => monitor.History.Count >= Math.Min(tick, 3));
            }

            Assert.Equal(DriftState.Ok, monitor.Current!.State);

            // Less than an interval: no check.
            time.Advance(TimeSpan.FromSeconds(59));
            await Task.Delay(50);
            Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(59), monitor.Current.CheckedAt);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_disabled_monitor_does_not_tick()
    {
        var (monitor, source, _, _, time) = Create(Options(minWindow: 500) with { Enabled = false });
        source.SetReference(Reference(new Random(15), "v1"));
        await monitor.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(50);
        await monitor.StopAsync(CancellationToken.None);
        Assert.Empty(monitor.History);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The monitor did not check in time.");
            await Task.Delay(5);
        }
    }
}
