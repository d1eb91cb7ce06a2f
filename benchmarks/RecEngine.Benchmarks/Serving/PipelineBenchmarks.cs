using RecEngine;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;
using RecEngine.Monitoring;
using RecEngine.Ranking;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Serving.Pipeline;
using RecEngine.Training;

namespace RecEngine.Benchmarks.Serving;

/// <summary>
/// The in-process request pipeline on a real served world, stage by stage and whole: Retrieve (user features from
/// the warm cache, candidate generation), Filter, Score (features and one ONNX Runtime call on every candidate),
/// Order (freshness, diversity caps, top 20), and <see cref="RecommendationPipeline.Recommend"/> end to end (lease,
/// stages, response, impression enqueue). The data directory comes from <c>RECENGINE_BENCH_DATA</c> (a world with a
/// trained model version, for example the demo world after <c>serve</c> or <c>generate</c> + <c>train</c>); no
/// hosted service runs, so the impression queue fills and then drops (counted), as it would with a stalled writer.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private IHost _host = null!;
    private ServingState _state = null!;
    private RetrieveStage _retrieve = null!;
    private FilterStage _filter = null!;
    private ScoreStage _score = null!;
    private OrderStage _order = null!;
    private RecommendationPipeline _pipeline = null!;
    private ServingState.Lease _lease = null!;
    private SlateContext _slate = null!;
    private IReadOnlyList<Candidate> _retrieved = [];

    /// <summary>A user with history (personal and item-to-item retrieval), and one the catalog does not know (trending and fresh).</summary>
    [Params("u1", "newcomer")]
    public string User { get; set; } = "u1";

    [GlobalSetup]
    public void Setup()
    {
        var dataDir = Environment.GetEnvironmentVariable("RECENGINE_BENCH_DATA")
            ?? throw new InvalidOperationException("Set RECENGINE_BENCH_DATA to a data directory with a trained model version.");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [$"--RecEngine:DataDir={dataDir}"] });
        builder.Logging.ClearProviders();
        builder.AddServingModules();
        _host = builder.Build();
        var services = _host.Services;
        if (!services.GetRequiredService<ServingLoader>().Load())
        {
            throw new InvalidOperationException($"No model version loads from {dataDir}.");
        }

        _state = services.GetRequiredService<ServingState>();
        _retrieve = services.GetRequiredService<RetrieveStage>();
        _filter = services.GetRequiredService<FilterStage>();
        _score = services.GetRequiredService<ScoreStage>();
        _order = services.GetRequiredService<OrderStage>();
        _pipeline = services.GetRequiredService<RecommendationPipeline>();
        _lease = _state.Acquire()!;

        // One request's state after each stage, so each stage's benchmark runs on realistic input.
        _slate = NewSlate();
        _retrieve.Run(_slate);
        _retrieved = _slate.Candidates;
        _filter.Run(_slate);
        _score.Run(_slate, TimeSpan.MaxValue);
        _order.Run(_slate);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _lease.Dispose();
        _host.Dispose();
    }

    [Benchmark]
    public int Retrieve()
    {
        var slate = NewSlate();
        _retrieve.Run(slate);
        return slate.Candidates.Count;
    }

    [Benchmark]
    public int Filter()
    {
        _slate.Candidates = _retrieved;
        _filter.Run(_slate);
        return _slate.Candidates.Count;
    }

    [Benchmark]
    public string? Score() => _score.Run(_slate, TimeSpan.MaxValue);

    [Benchmark]
    public int Order()
    {
        _order.Run(_slate);
        return _slate.Slate.Count;
    }

    [Benchmark]
    public int Whole() => _pipeline.Recommend(new SlateRequest(User, 20, [], false)).Slate!.Videos.Count;

    private SlateContext NewSlate() => new(_lease.Snapshot, new SlateRequest(User, 20, [], false), new HashSet<int>(), DateTime.UtcNow);
}
