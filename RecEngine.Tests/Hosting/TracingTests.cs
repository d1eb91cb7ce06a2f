using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;

namespace RecEngine.Tests.Hosting;

public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RecEngineTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task EveryPipelineStageIngestionCommitAndRetrainingPhaseIsASpan()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        LifecycleWorld.TrainAndPromote(factory.Services);
        var some = factory.Services.GetRequiredService<EventStore>().Events.Query().Limit(1).First();

        var slate = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/recommendations/{some.UserId}?k=5");
        var requestId = slate.GetProperty("request_id").GetString();
        var recommend = Assert.Single(_spans, s => s.OperationName == "recommend" && (string?)s.GetTagItem("recengine.request_id") == requestId);
        var stages = _spans.Where(s => s.ParentSpanId == recommend.SpanId).Select(s => s.OperationName).ToList();
        Assert.Equal(["filter", "order", "retrieve", "score"], stages.Distinct().Order(StringComparer.Ordinal));
        Assert.All(_spans.Where(s => s.ParentSpanId == recommend.SpanId), s => Assert.True(s.StartTimeUtc >= recommend.StartTimeUtc.AddMilliseconds(-1), s.OperationName));

        var posted = await client.PostAsJsonAsync("/v1/events", new[] { TestWorld.Event("traced-1", some.UserId, some.VideoId, at: some.Timestamp) });
        await HttpAssert.StatusAsync(HttpStatusCode.OK, posted);
        Assert.Contains(_spans, s => s.OperationName == "ingest.commit" && s.GetTagItem("recengine.events") is int n && n >= 1);

        var outcome = await factory.Services.GetRequiredService<RetrainingService>().RetrainAsync("test", DateTime.UtcNow, CancellationToken.None);
        var retrain = Assert.Single(_spans, s => s.OperationName == "retrain" && (string?)s.GetTagItem("recengine.version") == outcome.Version);
        var phases = _spans.Where(s => s.ParentSpanId == retrain.SpanId).Select(s => s.OperationName).ToHashSet();
        Assert.Contains("retrain.train", phases);
        Assert.Contains("retrain.load", phases);
        Assert.Contains("retrain.validate", phases);
    }

    [Fact]
    public async Task OtlpExportIsOffByDefaultAndPrometheusWorksEitherWay()
    {
        await using (var off = new RecEngineFactory())
        {
            using var client = off.CreateClient();
            Assert.Null(off.Services.GetService<TracerProvider>());
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await client.GetAsync("/metrics"));
        }

        // Configured, the real process exports its spans to the collector (here a loopback listener taking OTLP/HTTP).
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveTracesAsync(collector);
        var dataDir = Path.Combine(Path.GetTempPath(), "recengine-tests", "otlp-" + Guid.NewGuid().ToString("N"));
        await using var server = await RecEngineProcess.StartAsync(dataDir, TimeSpan.FromSeconds(60), "--RecEngine:FirstRunDemo=false",
            $"--RecEngine:Tracing:OtlpEndpoint=http://127.0.0.1:{port}/v1/traces", "--RecEngine:Tracing:OtlpProtocol=http/protobuf");
        using var traced = server.CreateClient();
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await traced.GetAsync("/v1/recommendations/anyone?k=3"));
        var metrics = await traced.GetAsync("/metrics");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, metrics);
        Assert.Contains("recengine_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var body = await received.WaitAsync(TimeSpan.FromSeconds(30));
        // The protobuf payload carries the span names as strings.
        Assert.True(body.AsSpan().IndexOf("recommend"u8) >= 0, $"{body.Length} bytes without the request span");
    }

    private static async Task<byte[]> ReceiveTracesAsync(HttpListener collector)
    {
        while (true)
        {
            var context = await collector.GetContextAsync();
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var path = context.Request.Url?.AbsolutePath;
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (path == "/v1/traces" && buffer.ToArray().AsSpan().IndexOf("recommend"u8) >= 0)
            {
                return buffer.ToArray();
            }
        }
    }

    private static int FreePort()
    {
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
