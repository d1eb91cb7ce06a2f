using BenchmarkDotNet.Attributes;
using RecEngine.Retrieval;

namespace RecEngine.Benchmarks.Retrieval;

/// <summary>
/// What reading float16 item factors costs against float32 (<see cref="ItemFactorPrecision"/>): the exact scan small
/// catalogs are served by (every row converted per search), and the per-row dot products of HNSW re-scoring and the
/// ranker's features.
/// </summary>
[MemoryDiagnoser]
public class ItemFactorBenchmarks
{
    private const int Dimensions = 64;
    private ExactVectorIndex _exact = null!;
    private ItemFactorStore _store = null!;
    private float[] _queries = null!;
    private VectorHit[] _buffer = null!;
    private int _next;

    /// <summary>The demo world's catalog and the largest one served by the exact scan (ExactBelow).</summary>
    [Params(20_000, 50_000)]
    public int Items { get; set; }

    [Params(ItemFactorPrecision.F32, ItemFactorPrecision.F16)]
    public ItemFactorPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var mixture = new ClusteredVectors(Dimensions, 1000, 42);
        var vectors = mixture.Items(Items, 43);
        _queries = mixture.Queries(256, 44);
        _store = ItemFactorStore.Create(vectors, Dimensions, Precision);
        _exact = new ExactVectorIndex(Enumerable.Range(0, Items).Select(i => (long)i).ToArray(), _store);
        _buffer = new VectorHit[500];
    }

    [GlobalCleanup]
    public void Cleanup() => _exact.Dispose();

    [Benchmark]
    public int ExactK500() => _exact.Search(NextQuery(), _buffer);

    /// <summary>500 scattered rows, as a re-scored HNSW answer or a ranked candidate list reads them.</summary>
    [Benchmark]
    public float Dot500Rows()
    {
        var query = NextQuery();
        var sum = 0f;
        for (var i = 0; i < 500; i++)
        {
            sum += _store.Dot(query, (int)((i * 7919L) % Items));
        }

        return sum;
    }

    private ReadOnlySpan<float> NextQuery()
    {
        var q = _next++ & 255;
        return _queries.AsSpan(q * Dimensions, Dimensions);
    }
}
