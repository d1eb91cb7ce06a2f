using System.Buffers;
using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>
/// Approximate maximum-inner-product search: an HNSW graph (usearch, through <see cref="UsearchNative"/>)
/// over items moved onto a sphere by the Euclidean transformation of Bachrach et al. 2014 ("Speeding up the
/// Xbox recommender system using a euclidean transformation for inner-product spaces"): item x becomes
/// [x, sqrt(M^2 - |x|^2)] with M the largest item norm, the query q becomes [q, 0]. Then every item has norm M,
/// q'.x' = q.x, and cosine (or L2) nearest neighbours are exactly the largest inner products, so the graph is
/// built in a proper metric space. Returned scores are the exact inner products, recomputed from the stored
/// original vectors, which also re-ranks over-fetched candidates.
/// <para>
/// Lifecycle: <see cref="Build"/> reserves capacity and thread slots, then adds on all build threads in
/// parallel; afterwards the index is immutable and only searched (usearch corrupts memory when adds race
/// searches, usearch issue 441). Each native search occupies one of the reserved thread slots; a semaphore of
/// that size queues callers beyond it. <see cref="Dispose"/> waits for in-flight searches.
/// </para>
/// </summary>
public sealed unsafe class HnswVectorIndex : IPersistentVectorIndex
{
    private readonly ItemStore _items;
    private readonly SemaphoreSlim _slots;
    private readonly int _slotCount;
    private readonly double _overFetch;
    private nint _index;

    private HnswVectorIndex(nint index, ItemStore items, VectorIndexOptions options)
    {
        _index = index;
        _items = items;
        _slotCount = options.SearchThreads;
        _slots = new SemaphoreSlim(_slotCount, _slotCount);
        _overFetch = options.OverFetch;
        Options = options;
    }

    public int Count => _items.Count;

    public int Dimensions => _items.Dimensions;

    public VectorIndexOptions Options { get; }

    /// <summary>The largest item norm: the augmentation's M, and the bound |q| * M on any score in this index.</summary>
    public float MaxNorm => _items.MaxNorm;

    /// <summary>Bytes on disk: the usearch file plus the item vectors and ids.</summary>
    public long IndexBytes
    {
        get
        {
            nint error = 0;
            var native = (long)UsearchNative.SerializedLength(_index, &error);
            UsearchNative.Check(error, "serialized_length");
            return native + _items.Bytes;
        }
    }

    /// <summary>Builds the index over <paramref name="ids"/> and the row-major <paramref name="vectors"/>.</summary>
    public static HnswVectorIndex Build(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors, int dimensions, VectorIndexOptions? options = null)
    {
        options ??= new VectorIndexOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if ((long)ids.Length * dimensions != vectors.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {vectors.Length}.", nameof(vectors));
        }

        var maxNorm = 0f;
        for (var row = 0; row < ids.Length; row++)
        {
            maxNorm = MathF.Max(maxNorm, TensorPrimitives.Norm(vectors.Slice(row * dimensions, dimensions)));
        }

        var items = ItemStore.Create(ids, vectors, dimensions, maxNorm);
        var init = new UsearchNative.InitOptions
        {
            Metric = options.Metric == VectorMetric.Cosine ? UsearchNative.MetricKind.Cosine : UsearchNative.MetricKind.InnerProduct,
            Quantization = UsearchNative.ScalarKind.Float32,
            Dimensions = (nuint)(dimensions + 1),
            Connectivity = (nuint)options.Connectivity,
            ExpansionAdd = (nuint)options.ExpansionAdd,
            ExpansionSearch = (nuint)options.ExpansionSearch,
        };
        nint error = 0;
        var index = UsearchNative.Init(&init, &error);
        UsearchNative.Check(error, "init");
        var result = new HnswVectorIndex(index, items, options);
        try
        {
            // Capacity and thread slots up front: usearch_add never grows the index, so parallel adds are safe.
            UsearchNative.Reserve(index, (nuint)ids.Length, &error);
            UsearchNative.Check(error, "reserve");
            result.ReserveThreads(Math.Max(options.BuildThreads, options.SearchThreads));
            result.AddAll(options.BuildThreads);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an index written by <see cref="Save"/>. With <paramref name="memoryMap"/> both files are mapped
    /// read-only instead of read into memory, so a restart costs page faults, not a rebuild or a full read.
    /// </summary>
    public static HnswVectorIndex Open(string path, VectorIndexOptions? options = null, bool memoryMap = false)
    {
        options ??= new VectorIndexOptions();
        var items = ItemStore.Open(ItemsPath(path), memoryMap);
        nint error = 0;
        var index = UsearchNative.Init(null, &error);
        if (error != 0)
        {
            items.Dispose();
            UsearchNative.Check(error, "init");
        }

        var result = new HnswVectorIndex(index, items, options);
        try
        {
            if (memoryMap)
            {
                UsearchNative.View(index, path, &error);
            }
            else
            {
                UsearchNative.Load(index, path, &error);
            }

            UsearchNative.Check(error, memoryMap ? "view" : "load");
            if ((int)UsearchNative.Size(index, &error) != items.Count || (int)UsearchNative.Dimensions(index, &error) != items.Dimensions + 1)
            {
                throw new InvalidDataException($"{path} and {ItemsPath(path)} do not belong together.");
            }

            result.ReserveThreads(options.SearchThreads);
            UsearchNative.ChangeExpansionSearch(index, (nuint)options.ExpansionSearch, &error);
            UsearchNative.Check(error, "change_expansion_search");
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Changes efSearch. Waits for in-flight searches (it holds every slot while it changes the setting),
    /// so it is safe while serving, though meant for tuning.
    /// </summary>
    public void ChangeExpansionSearch(int expansion)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expansion, 1);
        for (var i = 0; i < _slotCount; i++)
        {
            _slots.Wait();
        }

        try
        {
            ObjectDisposedException.ThrowIf(_index == 0, this);
            nint error = 0;
            UsearchNative.ChangeExpansionSearch(_index, (nuint)expansion, &error);
            UsearchNative.Check(error, "change_expansion_search");
        }
        finally
        {
            _slots.Release(_slotCount);
        }
    }

    /// <summary>Writes the graph to <paramref name="path"/> and the item vectors next to it (<c>.items</c>).</summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_index == 0, this);
        nint error = 0;
        UsearchNative.Save(_index, path, &error);
        UsearchNative.Check(error, "save");
        _items.Save(ItemsPath(path));
    }

    public static string ItemsPath(string path) => path + ".items";

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        ObjectDisposedException.ThrowIf(_index == 0, this);
        var dims = Dimensions;
        if (query.Length != dims)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {dims}.", nameof(query));
        }

        var k = Math.Min(destination.Length, Count);
        if (k == 0)
        {
            return 0;
        }

        var fetch = (int)Math.Min(Count, Math.Ceiling(k * _overFetch));
        var keys = ArrayPool<ulong>.Shared.Rent(fetch);
        var distances = ArrayPool<float>.Shared.Rent(fetch);
        var augmented = ArrayPool<float>.Shared.Rent(dims + 1);
        try
        {
            // The query's extra coordinate is 0, so its inner product with any augmented item is q.x.
            query.CopyTo(augmented);
            augmented[dims] = 0f;
            int found;
            _slots.Wait();
            try
            {
                var index = Volatile.Read(ref _index);
                ObjectDisposedException.ThrowIf(index == 0, this);
                nint error = 0;
                fixed (float* q = augmented)
                fixed (ulong* keyPtr = keys)
                fixed (float* distancePtr = distances)
                {
                    found = (int)UsearchNative.Search(index, q, UsearchNative.ScalarKind.Float32, (nuint)fetch, keyPtr, distancePtr, &error);
                }

                UsearchNative.Check(error, "search");
            }
            finally
            {
                _slots.Release();
            }

            var heap = new TopK(k);
            for (var i = 0; i < found; i++)
            {
                var row = (long)keys[i];
                heap.Add(_items.Ids[row], TensorPrimitives.Dot(query, _items.Row(row)));
            }

            return heap.CopySorted(destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(augmented);
            ArrayPool<float>.Shared.Return(distances);
            ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    private void ReserveThreads(int threads)
    {
        nint error = 0;
        UsearchNative.ChangeThreadsAdd(_index, (nuint)threads, &error);
        UsearchNative.Check(error, "change_threads_add");
        UsearchNative.ChangeThreadsSearch(_index, (nuint)threads, &error);
        UsearchNative.Check(error, "change_threads_search");
    }

    private void AddAll(int threads)
    {
        var dims = Dimensions;
        var maxNormSquared = (double)_items.MaxNorm * _items.MaxNorm;
        Parallel.For(
            0,
            Count,
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new float[dims + 1],
            (row, _, buffer) =>
            {
                var vector = _items.Row(row);
                vector.CopyTo(buffer);
                var normSquared = (double)TensorPrimitives.Dot(vector, vector);
                buffer[dims] = (float)Math.Sqrt(Math.Max(0.0, maxNormSquared - normSquared));
                nint error = 0;
                fixed (float* v = buffer)
                {
                    UsearchNative.Add(_index, (ulong)row, v, UsearchNative.ScalarKind.Float32, &error);
                }

                UsearchNative.Check(error, "add");
                return buffer;
            },
            _ => { });
    }

    public void Dispose()
    {
        var index = Interlocked.Exchange(ref _index, 0);
        if (index == 0)
        {
            return;
        }

        // Drain: holding every slot means no native search is still running on this index. The semaphore is
        // left to the GC so that a late caller gets ObjectDisposedException rather than a disposed semaphore.
        for (var i = 0; i < _slotCount; i++)
        {
            _slots.Wait();
        }

        nint error = 0;
        UsearchNative.Free(index, &error);
        _items.Dispose();
        _slots.Release(_slotCount);
    }
}
