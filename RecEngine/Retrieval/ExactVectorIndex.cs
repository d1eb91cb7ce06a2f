using System.Buffers;
using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>
/// Brute-force maximum-inner-product search: one SIMD dot product (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// per row of a contiguous row-major matrix (float32, or float16 converted a block of rows at a time), a bounded heap for the top k. Exact, so it is the ground truth
/// for the approximate index and the right choice for small catalogs and the side index of recent additions.
/// Large matrices are scanned in parallel blocks whose heaps are merged.
/// </summary>
internal sealed class ExactVectorIndex : IVectorIndex
{
    /// <summary>Below this many floats one thread scans faster than the cost of fanning out.</summary>
    private const long ParallelThreshold = 1L << 21;

    /// <summary>Float16 rows converted to float32 at a time: 32 rows of 64 factors are 8 KB, which stay in the L1 cache.</summary>
    private const int BlockRows = 32;

    private readonly long[] _ids;
    private readonly ItemFactorStore _vectors;
    private readonly bool _parallel;

    /// <param name="ids">Item ids, one per row.</param>
    /// <param name="vectors">Row-major matrix, <c>ids.Length x dimensions</c>; kept, not copied.</param>
    /// <param name="dimensions">Row length.</param>
    /// <param name="parallel">Scan blocks in parallel; by default only for large matrices.</param>
    public ExactVectorIndex(long[] ids, float[] vectors, int dimensions, bool? parallel = null)
        : this(ids, Checked(ids, vectors, dimensions), parallel)
    {
    }

    /// <param name="ids">Item ids, one per row of <paramref name="vectors"/>.</param>
    /// <param name="vectors">The item factors, float32 or float16; kept, not copied.</param>
    /// <param name="parallel">Scan blocks in parallel; by default only for large matrices.</param>
    public ExactVectorIndex(long[] ids, ItemFactorStore vectors, bool? parallel = null)
    {
        if (ids.Length != vectors.Count)
        {
            throw new ArgumentException($"Expected {ids.Length} rows, got {vectors.Count}.", nameof(vectors));
        }

        _ids = ids;
        _vectors = vectors;
        Dimensions = vectors.Factors;
        _parallel = parallel ?? (long)vectors.Count * vectors.Factors >= ParallelThreshold;
    }

    private static ItemFactorStore Checked(long[] ids, float[] vectors, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if ((long)ids.Length * dimensions != vectors.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {vectors.Length}.", nameof(vectors));
        }

        return ItemFactorStore.Of(vectors, dimensions);
    }

    public int Count => _ids.Length;

    /// <summary>The ids; the matrix is the caller's, kept, not copied.</summary>
    public long MemoryBytes => _ids.LongLength * sizeof(long);

    public int Dimensions { get; }

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        }

        var k = Math.Min(destination.Length, Count);
        if (k == 0)
        {
            return 0;
        }

        if (!_parallel)
        {
            var heap = new TopK(k);
            Scan(query, 0, Count, ref heap);
            return heap.CopySorted(destination);
        }

        var blocks = Math.Min(Environment.ProcessorCount * 4, Math.Max(1, Count / 4096));
        var heaps = new TopK[blocks];
        var q = query.ToArray();
        Parallel.For(0, blocks, b =>
        {
            var heap = new TopK(k);
            Scan(q, (int)((long)Count * b / blocks), (int)((long)Count * (b + 1) / blocks), ref heap);
            heaps[b] = heap;
        });

        var merged = new TopK(k);
        var part = new VectorHit[k];
        foreach (var heap in heaps)
        {
            var n = heap.CopySorted(part);
            for (var i = 0; i < n; i++)
            {
                merged.Add(part[i].Id, part[i].Score);
            }
        }

        return merged.CopySorted(destination);
    }

    /// <summary>The ids, one per row of the vectors.</summary>
    public ReadOnlySpan<long> Ids => _ids;

    /// <summary>Scores every row into <paramref name="heap"/>, on the calling thread: a part of a larger search (a norm band).</summary>
    public void ScanInto(ReadOnlySpan<float> query, ref TopK heap)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        }

        Scan(query, 0, Count, ref heap);
    }

    private void Scan(ReadOnlySpan<float> query, int from, int to, ref TopK heap)
    {
        var dims = Dimensions;
        if (_vectors.SingleMatrix is { } single)
        {
            var vectors = single.AsSpan();
            for (var row = from; row < to; row++)
            {
                var score = TensorPrimitives.Dot(query, vectors.Slice(row * dims, dims));
                if (score >= heap.Threshold)
                {
                    heap.Add(_ids[row], score);
                }
            }

            return;
        }

        // Float16 rows are converted a block at a time into a pooled buffer, then scored as above.
        var buffer = ArrayPool<float>.Shared.Rent(BlockRows * dims);
        try
        {
            for (var start = from; start < to; start += BlockRows)
            {
                var rows = Math.Min(BlockRows, to - start);
                var block = _vectors.Rows(start, rows, buffer);
                for (var i = 0; i < rows; i++)
                {
                    var score = TensorPrimitives.Dot(query, block.Slice(i * dims, dims));
                    if (score >= heap.Threshold)
                    {
                        heap.Add(_ids[start + i], score);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
    }
}
