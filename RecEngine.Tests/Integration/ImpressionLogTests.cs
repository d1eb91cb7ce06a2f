using RecEngine.Serving;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Monitoring;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval.Candidates;
using RecEngine.Training;
using static RecEngine.Tests.Integration.ServingPipelineTests;

using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Integration;

/// <summary>Every served slate is stored in the impression log (without the request waiting) and shown to the listeners.</summary>
[Collection(ServedWorldCollection.Name)]
public sealed class ImpressionLogTests(ServedWorld world)
{
    [Fact]
    public async Task EverySlateIsStoredOnceAndReadAsImpressionsThatLaterWatchesJoinByRequestId()
    {
        await using var factory = world.Factory();
        using var client = factory.CreateClient();
        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u5?k=10");
        var requestId = slate.GetProperty("request_id").GetString()!;
        var shown = Videos(slate).Select(v => v.GetProperty("video_id").GetString()!).ToList();
        var events = factory.Services.GetRequiredService<EventStore>();

        var stored = await EventuallyAsync(() => events.Slates.FindById(requestId), s => s is not null);

        // One document per slate, in slate order, with the version that ranked it and the scores it was ordered by.
        Assert.NotNull(stored);
        Assert.Equal(shown, stored.VideoIds);
        Assert.Equal("u5", stored.UserId);
        Assert.Equal(slate.GetProperty("model_version").GetString(), stored.ModelVersion);
        Assert.Equal(Videos(slate).Select(ScoreOrNaN), stored.Scores!);

        // Exploration (on by default, 0.1 of 10 positions): the positions whose source is explore are the stored ones.
        var explored = Videos(slate).Select((v, p) => (v, p)).Where(x => x.v.GetProperty("sources").EnumerateArray().Any(s => s.GetString() == "explore")).Select(x => x.p).ToArray();
        Assert.Equal(explored, stored.ExploredPositions ?? []);

        // Readers of the event stream see it as one impression event per position.
        var impressions = events.InWindow(stored.Timestamp, stored.Timestamp.AddMilliseconds(1)).Where(e => e.RequestId == requestId).ToList();
        Assert.Equal(shown, impressions.Select(e => e.VideoId));
        Assert.Equal(Enumerable.Range(0, shown.Count), impressions.Select(e => e.Position!.Value));
        Assert.All(impressions, e =>
        {
            Assert.Equal(EventType.Impression, e.Type);
            Assert.Equal("u5", e.UserId);
            Assert.Equal(slate.GetProperty("model_version").GetString(), e.ModelVersion);
            Assert.Equal(explored.Contains(e.Position!.Value) ? true : null, e.Explored);
        });

        // The user watches the third video of that slate: training joins the watch to its impression by request id.
        var watch = await client.PostAsJsonAsync("/v1/events", new
        {
            event_id = "watch-from-slate",
            user_id = "u5",
            video_id = shown[2],
            type = "watch",
            watch_seconds = 20,
            timestamp = DateTime.UtcNow,
            request_id = requestId,
            position = 2,
        });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, watch);

        var logged = events.InWindow(stored.Timestamp, DateTime.UtcNow.AddMinutes(1)).Where(e => e.RequestId == requestId).ToList();
        var videos = VideoSnapshot.Build(factory.Services.GetRequiredService<RecEngineStore>(), DateTime.UtcNow);
        var dataset = RankerDataset.Build(logged, videos, null, DateTime.UtcNow.AddMinutes(1), new CandidateOptions());
        Assert.Equal(shown.Count, dataset.Count);
        var watched = Enumerable.Range(0, dataset.Count).Where(i => dataset.Watched[i] > 0).ToList();
        Assert.Equal(shown[2], videos.Ids[dataset.Videos[Assert.Single(watched)]]);
    }

    [Fact]
    public async Task ListenersReceiveEachSlateWithScoresAndAFeatureSampleAndAFailingOneIsCounted()
    {
        var recorder = new RecordingListener();
        await using var parent = world.Factory();
        await using var factory = parent.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.AddSingleton<IServedSlateListener>(new ThrowingListener());
            s.AddSingleton<IServedSlateListener>(recorder);
        }));
        using var client = factory.CreateClient();

        var slate = await ServedWorld.FirstModelSlateAsync(client, "/v1/recommendations/u6?k=10");

        var requestId = slate.GetProperty("request_id").GetString();
        var served = Assert.Single(recorder.Slates, s => s.RequestId == requestId);
        Assert.Equal(Videos(slate).Select(v => v.GetProperty("video_id").GetString()), served.VideoIds);
        Assert.Equal(Videos(slate).Select(ScoreOrNaN), served.Scores);
        Assert.Equal(slate.GetProperty("model_version").GetString(), served.ModelVersion);
        Assert.False(served.Degraded);
        Assert.Equal(CandidateScorer.RawNumericNames, served.FeatureNames);
        var rows = factory.Services.GetRequiredService<IOptions<RecEngine.Serving.ServingOptions>>().Value.FeatureSampleRows;
        Assert.Equal(rows * served.FeatureNames.Count, served.FeatureValues.Length);
        var duration = served.FeatureValues[served.FeatureNames.ToList().IndexOf("video_duration")];
        Assert.True(duration > 0, $"video_duration {duration}");

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("recengine_served_slate_listener_failures_total{listener=\"ThrowingListener\"}", metrics, StringComparison.Ordinal);
    }

    private static async Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value) || waited.Elapsed > TimeSpan.FromSeconds(15))
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    private sealed class RecordingListener : IServedSlateListener
    {
        public ConcurrentQueue<ServedSlate> Slates { get; } = new();

        public void OnServed(ServedSlate slate) => Slates.Enqueue(slate);
    }

    private sealed class ThrowingListener : IServedSlateListener
    {
        public void OnServed(ServedSlate slate) => throw new InvalidOperationException("listener down");
    }

    /// <summary>A video's score; NaN for one the ranker did not order (an explored video), as the log stores it.</summary>
    private static float ScoreOrNaN(System.Text.Json.JsonElement video) =>
        video.GetProperty("score").ValueKind == System.Text.Json.JsonValueKind.Null ? float.NaN : video.GetProperty("score").GetSingle();
}
