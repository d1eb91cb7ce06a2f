using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class GenerateProgressDisplayTests
{
    [Fact]
    public async Task RedirectedOutputGetsPlainLinesPerStageInsteadOfBars()
    {
        var output = new StringWriter();

        var result = await GenerateProgressDisplay.RunAsync(progress =>
        {
            progress.Report(new WriteProgress("users", 10, 10, 0));
            progress.Report(new WriteProgress("videos", 5, 20, 0));
            progress.Report(new WriteProgress("videos", 20, 20, 0));
            progress.Report(new WriteProgress("events", 1, 2, 300));
            progress.Report(new WriteProgress("events", 2, 2, 700));
            return 42;
        }, interactive: false, plainOutput: output);

        Assert.Equal(42, result);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("generate: users 10/10", lines);
        Assert.Contains("generate: videos 20/20", lines);
        Assert.Contains("generate: events day 2/2, 700 written", lines);
        Assert.DoesNotContain(lines, l => l.Contains('\u001b', StringComparison.Ordinal));
    }
}
