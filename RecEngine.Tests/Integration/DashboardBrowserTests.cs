using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RecEngine.Monitoring;

namespace RecEngine.Tests.Integration;

/// <summary>
/// The dashboard in a real browser: Debian's headless Chromium (installed by .ci/run) loads the page from a live
/// server, runs its script, and the DOM it leaves must hold the server's own figures.
/// </summary>
[Collection(ServedWorldCollection.Name)]
public sealed partial class DashboardBrowserTests(ServedWorld world)
{
    [Fact]
    public async Task TheDashboardShowsTheLiveServersDataInABrowser()
    {
        await using var factory = world.Factory();
        factory.UseKestrel(0);
        factory.StartServer();
        using var client = factory.CreateClient();
        Assert.NotNull(client.BaseAddress);
        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=5");
        var version = slate.GetProperty("model_version").GetString()!;
        var video = slate.GetProperty("videos")[0].GetProperty("video_id").GetString();
        var posted = await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("dash-1", "u1", video!, at: DateTime.UtcNow.AddMinutes(-1)) });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, posted);
        var drift = await factory.Services.GetRequiredService<DriftMonitor>().CheckOnceAsync(CancellationToken.None);
        Assert.NotNull(drift);

        var clock = Stopwatch.StartNew();
        var dom = await DumpDomAsync(new Uri(client.BaseAddress, "/?user=u1"));
        var loadSeconds = clock.Elapsed.TotalSeconds;

        Assert.Contains("data-loaded=\"true\"", dom, StringComparison.Ordinal);
        Assert.Matches($"id=\"serving-version\"[^>]*>{Regex.Escape(version)}<", dom);
        Assert.Matches($"<tr[^>]*><td>{Regex.Escape(version)}</td><td>serving</td>", dom);
        // The slate request above went through every stage: the latency table counts it.
        Assert.Matches("<tr data-stage=\"retrieve\"><td>retrieve</td><td>[1-9]\\d*</td><td>\\d+\\.\\d\\d</td>", dom);
        Assert.Matches("id=\"ingest-stored\">[1-9]\\d*<", dom);
        Assert.Matches("id=\"queue-depth\"[^>]*>\\d+<", dom);
        // One chart per feature of the drift check.
        Assert.Equal(drift.Features.Count, DriftChart().Count(dom));
        Assert.Contains($"data-feature=\"{drift.Features[0].Feature}\"", dom, StringComparison.Ordinal);
        // The "try a user" panel ran u1's slate through the pipeline, with its explain timings.
        Assert.Matches($"id=\"try-summary\"[^>]*>10 videos from {Regex.Escape(version)}", dom);
        Assert.Matches("<tbody id=\"try-rows\"><tr><td>1</td><td>[^<]+</td>", dom);
        Assert.Matches("<tbody id=\"try-explain\"><tr><td>retrieve</td>", dom);
        Assert.True(loadSeconds < 60, $"page load took {loadSeconds:0.0}s");
    }

    [GeneratedRegex("class=\"chart\" data-feature=")]
    private static partial Regex DriftChart();

    /// <summary>The DOM after the page's scripts ran (Chromium's virtual time lets its fetches finish first).</summary>
    internal static async Task<string> DumpDomAsync(Uri page)
    {
        var chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
            .Select(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null);
        Assert.True(chromium is not null, "No chromium on PATH: install it (apt-get install -y chromium; .ci/run does).");
        var start = new ProcessStartInfo(chromium!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--virtual-time-budget=10000", "--dump-dom", page.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        var dom = await stdout;
        Assert.True(process.ExitCode == 0 && dom.Length > 0, $"chromium exited {process.ExitCode}: {await stderr}");
        return dom;
    }
}
