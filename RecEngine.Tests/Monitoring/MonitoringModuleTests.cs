using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Api;
using RecEngine.Monitoring;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Monitoring;

public class MonitoringModuleTests
{
    [Theory]
    [InlineData("RecEngine:Monitoring:Interval", "00:00:00")]
    [InlineData("RecEngine:Monitoring:MinWindowSize", "5")]
    [InlineData("RecEngine:Monitoring:WarnAlpha", "0.0001")] // below DriftAlpha
    [InlineData("RecEngine:Monitoring:PsiWarn", "0.5")] // above PsiDrift
    [InlineData("RecEngine:Monitoring:Correction", "holm")]
    [InlineData("RecEngine:Monitoring:RollingHistory", "1")] // below RollingWarmUpChecks (2)
    public async Task Invalid_options_stop_the_host_at_start(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddMonitoring();
        using var host = builder.Build();
        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RecEngine:Monitoring:Interval"] = "00:01:30",
            ["RecEngine:Monitoring:Correction"] = "Bonferroni",
            ["RecEngine:Monitoring:MinWindowSize"] = "2000",
            ["RecEngine:Monitoring:FixedFeatures:0"] = "ranker_score",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new RecEngine.Hosting.DataDirectory(Path.GetTempPath()));
        builder.AddMonitoring();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<MonitoringOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(90), options.Interval);
        Assert.Equal(MultipleTestingCorrection.Bonferroni, options.Correction);
        Assert.Equal(2000, options.MinWindowSize);
        // A default rolling feature made fixed; the other defaults stay rolling.
        var rolling = new RollingBaselines(options);
        Assert.False(rolling.IsRolling("ranker_score"));
        Assert.True(rolling.IsRolling("user_watches"));
        Assert.False(rolling.IsRolling("slate_device"));
        // The serving version's stored reference first, the in-memory (bootstrapped) one behind it.
        Assert.IsType<ServingVersionReference>(host.Services.GetRequiredService<IDriftDataSource>());
    }

    /// <summary>
    /// The handler, called directly: the app-level factory needs the CLI switch fix that landed on main
    /// after this branch was cut. The JSON is the app's own (snake_case, enums as strings).
    /// </summary>
    [Fact]
    public async Task Drift_endpoint_returns_the_current_report_and_history()
    {
        var options = MonitoringTestData.Options() with { HistoryCapacity = 10 };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var source = new InMemoryDriftDataSource(options.LiveWindowCapacity, time);
        var monitor = new DriftMonitor(source, [], Microsoft.Extensions.Options.Options.Create(options), time, new TestLogger<DriftMonitor>());

        var empty = Assert.IsType<Ok<MonitoringApi.DriftStatus>>(MonitoringApi.GetDrift(monitor, null, CancellationToken.None).Result);
        Assert.Null(empty.Value!.Current);
        Assert.Empty(empty.Value.History);

        var random = new Random(3);
        source.SetReference(new ReferenceProfile
        {
            ModelVersion = "v1",
            Features = [NumericFeatureReference.Build("x", MonitoringTestData.Normal(random, 5000), 10, 5000, 1)],
        });
        for (var i = 0; i < 3; i++)
        {
            source.Record("x", MonitoringTestData.Normal(random, 2000, mean: i == 2 ? 1 : 0));
            time.Advance(options.Interval);
            await monitor.CheckOnceAsync(CancellationToken.None);
        }

        var ok = Assert.IsType<Ok<MonitoringApi.DriftStatus>>(MonitoringApi.GetDrift(monitor, 2, CancellationToken.None).Result);
        Assert.Equal(DriftState.Drift, ok.Value!.Current!.State);
        Assert.Equal(2, ok.Value.History.Count);
        Assert.Same(ok.Value.Current, ok.Value.History[0]);

        var json = JsonSerializer.Serialize(ok.Value, TestJson.Options);
        Assert.Contains("\"state\": \"drift\"", json, StringComparison.Ordinal);
        Assert.Contains("\"adjusted_p_value\"", json, StringComparison.Ordinal);
        Assert.Contains("\"test\": \"kolmogorov_smirnov\"", json, StringComparison.Ordinal);

        Assert.IsType<ValidationProblem>(MonitoringApi.GetDrift(monitor, -1, CancellationToken.None).Result);
    }
}
