using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RecEngine.Monitoring;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;

namespace RecEngine.Tests.Integration;

/// <summary>Requests running while the serving snapshot is swapped 50 times all succeed, each on exactly one version.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class SnapshotSwapTests(ServedWorld world)
{
    private const int Swaps = 50;

    [Fact]
    public async Task RequestsDuringFiftySwapsAllSucceedAndEachUsesOneVersion()
    {
        var recorder = new VersionRecorder();
        await using var parent = world.Factory();
        // Two versions: the trained one and a copy under another name (same files, so the manifest still verifies).
        var models = Path.Combine(parent.DataDir, "models");
        var original = Directory.GetDirectories(models).Single();
        var copy = original + "-copy";
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(original))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        await using var factory = parent.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<ICandidateRanker>(recorder));
            s.AddSingleton<IServedSlateListener>(recorder);
        }));
        using var client = factory.CreateClient();
        await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u1?k=5");

        var services = factory.Services;
        var state = services.GetRequiredService<ServingState>();
        var versions = new[] { original, copy };
        using var done = new CancellationTokenSource();
        var answers = new ConcurrentBag<(HttpStatusCode Status, string Body)>();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var i = 0;
            while (!done.IsCancellationRequested)
            {
                using var response = await client.GetAsync($"/v1/recommendations/u{1 + (c * 10) + (i++ % 10)}?k=10");
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        })).ToList();

        for (var swap = 0; swap < Swaps; swap++)
        {
            var current = state.Current!;
            state.Publish(ServingSnapshot.Load(
                versions[(swap + 1) % 2], current.Videos, current.Trending,
                services.GetRequiredService<IOptions<VectorIndexOptions>>().Value, services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value,
                services.GetRequiredService<IOptions<AlsOptions>>().Value, services.GetRequiredService<IOptions<CandidateOptions>>().Value));
            await Task.Delay(20);
        }

        await done.CancelAsync();
        await Task.WhenAll(clients);

        Assert.True(answers.Count >= Swaps, $"only {answers.Count} requests ran during the swaps");
        var names = versions.Select(v => Path.GetFileName(v)!).ToHashSet();
        var seen = new HashSet<string>();
        foreach (var (status, body) in answers)
        {
            Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
            using var slate = JsonDocument.Parse(body);
            Assert.False(slate.RootElement.GetProperty("degraded").GetBoolean(), body);
            var version = slate.RootElement.GetProperty("model_version").GetString()!;
            Assert.Contains(version, names);
            seen.Add(version);
        }

        Assert.Equal(names, seen);
        Assert.True(recorder.Matched > 0);
        Assert.Empty(recorder.Mismatches);
    }

    /// <summary>
    /// Ranks with the real ranker and remembers, per thread, which version's ranker scored; the listener (called on
    /// the same request thread) checks that the slate reports that same version.
    /// </summary>
    private sealed class VersionRecorder : ICandidateRanker, IServedSlateListener
    {
        [ThreadStatic]
        private static string? t_scoredBy;

        private readonly OnnxCandidateRanker _ranker = new();
        private int _matched;

        public ConcurrentBag<string> Mismatches { get; } = [];

        public int Matched => Volatile.Read(ref _matched);

        public void Score(ServingSnapshot snapshot, UserContext user, ReadOnlySpan<int> videos, ImpressionContext context, Span<float> pWatch, Span<float> watchTime)
        {
            _ranker.Score(snapshot, user, videos, context, pWatch, watchTime);
            t_scoredBy = snapshot.Version;
        }

        public void OnServed(ServedSlate slate)
        {
            if (slate.Degraded)
            {
                // Popularity slates before the first version loaded: no ranker, no version.
                return;
            }

            if (t_scoredBy == slate.ModelVersion)
            {
                Interlocked.Increment(ref _matched);
            }
            else
            {
                Mismatches.Add($"{slate.RequestId}: scored by {t_scoredBy}, served as {slate.ModelVersion}");
            }

            t_scoredBy = null;
        }
    }
}
