using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using RecEngine.Ranking;

namespace RecEngine.Benchmarks.Ranking;

/// <summary>The default ranker scoring 100, 500 and 1,000 candidates in one Run on one intra-op thread.</summary>
[MemoryDiagnoser]
public class RankerScoringBenchmarks
{
    private OnnxRanker _ranker = null!;
    private float[] _dense = [];
    private long[] _ids = [];
    private float[] _p = [];
    private float[] _t = [];

    [Params(100, 500, 1000)]
    public int Candidates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ranker = RankingModels.DefaultRanker();
        (_dense, _ids) = RankingModels.Candidates(RankingModels.DefaultOptions(), Candidates, seed: 3, _ranker.DenseFeatures);
        _p = new float[Candidates];
        _t = new float[Candidates];
    }

    [GlobalCleanup]
    public void Cleanup() => _ranker.Dispose();

    [Benchmark]
    public void Score() => _ranker.Score(_dense, _ids, Candidates, _p, _t);
}

/// <summary>
/// Raw ONNX Runtime floor for this box: the MLP 256-512-256-128-1 on 500 rows, one intra-op thread, inputs
/// and outputs bound once, so only Run is timed.
/// </summary>
[MemoryDiagnoser]
public class RankerOnnxBaselineBenchmarks
{
    private const int Rows = 500;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private readonly string[] _inputNames = ["x"];
    private readonly string[] _outputNames = ["y"];

    [GlobalSetup]
    public void Setup()
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(RankingModels.MlpBaseline(), options);
        _runOptions = new RunOptions();
        var random = new Random(4);
        var x = new float[Rows * RankingModels.MlpInput];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 2 - 1);
        }

        _input = OrtValue.CreateTensorValueFromMemory(x, [Rows, RankingModels.MlpInput]);
        _output = OrtValue.CreateTensorValueFromMemory(new float[Rows], [Rows, 1]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void Mlp500() => _session.Run(_runOptions, _inputNames, [_input], _outputNames, [_output]);
}
