using Microsoft.Extensions.Time.Testing;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public class TrainingProgressTests
{
    [Fact]
    public void A_quiet_phase_gets_a_heartbeat_line_with_its_latest_status()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        using var progress = new TrainingProgress(output, time, TimeSpan.FromSeconds(10));
        progress.Phase("ALS");
        progress.Report("iteration 1/12");
        Assert.DoesNotContain("iteration 1/12", output.ToString(), StringComparison.Ordinal);

        // Nothing reports for 25 s (a native index build): the timer still writes, at least every 12 s.
        for (var s = 0; s < 25; s++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var beats = output.ToString().Split('\n').Count(l => l.Contains("ALS: iteration 1/12", StringComparison.Ordinal));
        Assert.Equal(2, beats);
    }

    [Fact]
    public void Phases_are_timed_in_order_and_each_end_is_written()
    {
        var time = new FakeTimeProvider();
        var output = new StringWriter();
        var progress = new TrainingProgress(output, time, TimeSpan.FromMinutes(1));
        progress.Phase("reading events");
        time.Advance(TimeSpan.FromSeconds(3));
        progress.Phase("ALS");
        time.Advance(TimeSpan.FromSeconds(7));
        progress.Line("ALS iteration 1/1 in 7.0s");
        progress.Dispose();

        Assert.Equal([("reading events", 3.0), ("ALS", 7.0)], progress.Phases);
        var text = output.ToString();
        Assert.Contains("reading events: done in 3.0s (cpu ", text, StringComparison.Ordinal);
        Assert.Equal(2, progress.CpuSeconds.Count);
        Assert.Contains("ALS iteration 1/1 in 7.0s", text, StringComparison.Ordinal);
        Assert.Contains("[   10.0s] ALS: done in 7.0s", text, StringComparison.Ordinal);
    }
}
