using System.Text.Json;
using Microsoft.Extensions.Configuration;
using RecEngine.Simulation;
using RecEngine.Simulation.Online;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Simulation;

// Heavy (a world, training, two hosts): one at a time, and never two stores opening at once in this process.
[Collection(OnlineLoopCollection.Name)]
public sealed class SimulateVerbTests
{
    [Fact]
    public async Task UnknownScenarioExitsWithUsageAndTheKnownNames()
    {
        using var dir = new SimulationTestDirectory();
        var (code, _, stderr) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "simulate", "--scenario", "weather-shift", "--days", "6", $"--RecEngine:DataDir={dir.Path}");

        Assert.True(code == 2, $"exit code {code}; stderr: {stderr}");
        Assert.Contains("Unknown scenario 'weather-shift'", stderr, StringComparison.Ordinal);
        Assert.Contains("taste-shift", stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: RecEngine simulate", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--days", "3")]
    [InlineData("--days", "6", "--switch-day", "4")]
    [InlineData("--switch-day", "0")]
    [InlineData("--window-days", "3", "--ranker-days", "3")]
    [InlineData("--users", "ten")]
    [InlineData("--json")]
    [InlineData("--keep")]
    [InlineData("--retention", "-1")]
    [InlineData("--retention", "lots")]
    public void BadNumbersAndMissingFileNamesAreUsageErrors(params string[] args)
    {
        var command = RecEngine.Hosting.CommandLine.Parse(["simulate", .. args]);

        var error = Assert.Throws<RecEngine.Hosting.VerbUsageException>(() => SimulateVerb.Parse(command));
        Assert.Contains("--", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultsAreTheDocumentedRunAndDaysMoveTheSwitchDay()
    {
        var defaults = SimulateVerb.Parse(RecEngine.Hosting.CommandLine.Parse(["simulate"]));
        Assert.Equal(("taste-shift", 10, 4, 5_000), (defaults.Scenario, defaults.Days, defaults.SwitchDay, defaults.Users));

        var longer = SimulateVerb.Parse(RecEngine.Hosting.CommandLine.Parse(["simulate", "--scenario", "Device-Shift", "--days", "14"]));
        Assert.Equal(("device-shift", 14, 6), (longer.Scenario, longer.Days, longer.SwitchDay));

        var noRetention = SimulateVerb.Parse(RecEngine.Hosting.CommandLine.Parse(["simulate", "--retention", "0"]));
        Assert.Equal(0, noRetention.Retention.Sensitivity);
        Assert.Equal(defaults.Retention with { Sensitivity = 0 }, noRetention.Retention);
    }

    [Fact]
    public async Task TinyWorldRunWritesTheContractJsonAndAPng()
    {
        using var dir = new SimulationTestDirectory();
        var json = Path.Combine(dir.Path, "out", "simulate.json");
        var png = Path.Combine(dir.Path, "out", "simulate.png");
        var keep = Path.Combine(dir.Path, "kept");
        var verb = new SimulateVerb(Microsoft.Extensions.Options.Options.Create(new SimulationOptions { MeanSessionsPerUserDay = 1.5 }), new ConfigurationBuilder().Build());
        var command = RecEngine.Hosting.CommandLine.Parse(
        [
            "simulate", "--scenario", "taste-shift", "--days", "4", "--switch-day", "1", "--users", "300", "--videos", "300",
            "--history-days", "3", "--window-days", "3", "--ranker-days", "1", "--epochs", "1", "--json", json, "--plot", png, "--keep", keep,
        ]);
        using var output = new StringWriter();

        Assert.Equal(0, await verb.RunAsync(command, output, CancellationToken.None));

        var text = output.ToString();
        Assert.Contains("recovered_ratio", text, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = doc.RootElement;
        Assert.Equal("taste-shift", root.GetProperty("scenario").GetString());
        var days = root.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(4, days.Count);
        for (var i = 0; i < days.Count; i++)
        {
            Assert.Equal(i, days[i].GetProperty("day").GetInt32());
            Assert.True(days[i].GetProperty("watch_seconds_per_slate").GetDouble() > 0, days[i].ToString());
            Assert.True(days[i].GetProperty("expected_watch_seconds_per_slate").GetDouble() > 0, days[i].ToString());
            // The oracle's best slate is an upper bound of any slate's expected watch time.
            Assert.InRange(days[i].GetProperty("oracle_share").GetDouble(), 0.001, 1.0);
            Assert.True(days[i].GetProperty("drift_alarms").GetInt32() >= 0, days[i].ToString());
            Assert.StartsWith("v", days[i].GetProperty("model_version").GetString(), StringComparison.Ordinal);
            // Retraining runs at every simulated midnight (schedule or drift); validation decides whether it serves.
            Assert.Contains(days[i].GetProperty("retrain_trigger").GetString(), new[] { "schedule", "drift" });
        }

        // A promotion serves the next day; a rejection leaves the version as it was.
        for (var i = 1; i < days.Count; i++)
        {
            var changed = days[i].GetProperty("model_version").GetString() != days[i - 1].GetProperty("model_version").GetString();
            Assert.Equal(days[i - 1].GetProperty("retrained").GetBoolean(), changed);
        }

        var staticDays = root.GetProperty("static_days").EnumerateArray().ToList();
        Assert.Single(staticDays.Select(d => d.GetProperty("model_version").GetString()).Distinct());
        Assert.All(staticDays, d => Assert.False(d.GetProperty("retrained").GetBoolean()));

        // The ratios are what the days say: expected watch time of days 3.. over day 0 (switch day 1, two days to recover).
        static double Watch(JsonElement d) => d.GetProperty("expected_watch_seconds_per_slate").GetDouble();
        Assert.Equal(Watch(days[3]) / Watch(days[0]), root.GetProperty("recovered_ratio").GetDouble(), 0.001);
        Assert.Equal(Watch(staticDays[3]) / Watch(staticDays[0]), root.GetProperty("static_ratio").GetDouble(), 0.001);

        // Four days have no day 7: the retentions and their paired margin are written as null, not left out.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("day7_retention_margin").ValueKind);

        // --keep leaves each run's store and models for inspection, and refuses to run into them again.
        Assert.Contains($"Kept the runs' data folders in {keep}", text, StringComparison.Ordinal);
        foreach (var run in new[] { "base", "retraining", "static" })
        {
            Assert.True(File.Exists(Path.Combine(keep, run, "recengine.db")), $"{run} has no store in {keep}");
        }

        var again = await Assert.ThrowsAsync<RecEngine.Hosting.VerbUsageException>(() => verb.RunAsync(command, new StringWriter(), CancellationToken.None));
        Assert.Contains("--keep", again.Message, StringComparison.Ordinal);

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 10_000, $"PNG of {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }
}
