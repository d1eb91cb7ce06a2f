using BenchmarkDotNet.Attributes;
using RecEngine.Retrieval;

namespace RecEngine.Benchmarks.Retrieval;

/// <summary>Single-query latency of the HNSW and exact indexes on seeded clustered data (the bench-index verb measures recall).</summary>
[MemoryDiagnoser]
public class VectorIndexBenchmarks
{
    private const int Dimensions = 64;
    private HnswVectorIndex _hnsw = null!;
    private ExactVectorIndex _exact = null!;
    private float[] _queries = null!;
    private VectorHit[] _buffer = null!;
    private int _next;

    [Params(100_000)]
    public int Items { get; set; }

    [Params(100, 500)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var mixture = new ClusteredVectors(Dimensions, 1000, 42);
        var vectors = mixture.Items(Items, 43);
        var ids = Enumerable.Range(0, Items).Select(i => (long)i).ToArray();
        _queries = mixture.Queries(256, 44);
        _hnsw = HnswVectorIndex.Build(ids, vectors, Dimensions);
        _exact = new ExactVectorIndex(ids, vectors, Dimensions);
        _buffer = new VectorHit[K];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hnsw.Dispose();
        _exact.Dispose();
    }

    [Benchmark(Baseline = true)]
    public int Exact() => _exact.Search(NextQuery(), _buffer);

    [Benchmark]
    public int Hnsw() => _hnsw.Search(NextQuery(), _buffer);

    private ReadOnlySpan<float> NextQuery()
    {
        var q = _next++ & 255;
        return _queries.AsSpan(q * Dimensions, Dimensions);
    }
}
