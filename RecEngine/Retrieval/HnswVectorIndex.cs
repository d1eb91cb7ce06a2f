using System.Buffers;
using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>
/// Approximate maximum-inner-product search: an HNSW graph (usearch, through <see cref="UsearchNative"/>)
/// over items moved onto a sphere by the Euclidean transformation of Bachrach et al. 2014 ("Speeding up the
/// Xbox recommender system using a euclidean transformation for inner-product spaces"): item x becomes
/// [x, sqrt(M^2 - |x|^2)] with M the largest item norm, the query q becomes [q, 0]. Then every item has norm M,
/// q'.x' = q.x, and cosine (or L2) nearest neighbours are exactly the largest inner products, so the graph is
/// built in a proper metric space. The graph may store its vectors quantised (<see cref="VectorIndexOptions.Quantization"/>);
/// returned scores are the exact inner products, recomputed in float32 from the caller's item vectors
/// (<see cref="ItemVectors"/>, not a copy; float16 when serving holds them so), which also re-ranks over-fetched candidates.
/// <para>
/// Lifecycle: <see cref="Build"/> reserves capacity and thread slots, then adds on all build threads in
/// parallel; afterwards the index is immutable and only searched (usearch corrupts memory when adds race
/// searches, usearch issue 441). Each native search occupies one of the reserved thread slots; a semaphore of
/// that size queues callers beyond it. <see cref="Dispose"/> waits for in-flight searches.
/// </para>
/// </summary>
internal sealed unsafe class HnswVectorIndex : IPersistentVectorIndex
{
    private readonly ItemStore? _items;
    private readonly ItemVectors? _vectors;
    private readonly SemaphoreSlim _slots;
    private readonly int _slotCount;
    private readonly double _overFetch;
    private nint _index;
    private bool _mapped;

    /// <summary>A graph whose keys are rows of its own item store (the format before <see cref="GraphMeta"/>).</summary>
    private HnswVectorIndex(nint index, ItemStore items, VectorIndexOptions options)
        : this(index, options, items.Count, items.Dimensions, items.MaxNorm)
    {
        _items = items;
    }

    /// <summary>A graph whose keys are item ids, re-scored from <paramref name="vectors"/>.</summary>
    private HnswVectorIndex(nint index, ItemVectors vectors, int count, float maxNorm, VectorIndexOptions options)
        : this(index, options, count, vectors.Dimensions, maxNorm)
    {
        _vectors = vectors;
    }

    private HnswVectorIndex(nint index, VectorIndexOptions options, int count, int dimensions, float maxNorm)
    {
        _index = index;
        _slotCount = options.SearchThreads;
        _slots = new SemaphoreSlim(_slotCount, _slotCount);
        _overFetch = options.OverFetch;
        Options = options;
        Count = count;
        Dimensions = dimensions;
        MaxNorm = maxNorm;
    }

    public int Count { get; }

    public int Dimensions { get; }

    public VectorIndexOptions Options { get; }

    /// <summary>The largest item norm: the augmentation's M, and the bound |q| * M on any score in this index.</summary>
    public float MaxNorm { get; }

    /// <summary>Bytes on disk: the usearch file (plus, in the older format, the item vectors and ids beside it).</summary>
    public long IndexBytes
    {
        get
        {
            nint error = 0;
            var native = (long)UsearchNative.SerializedLength(_index, &error);
            UsearchNative.Check(error, "serialized_length");
            return native + (_items?.Bytes ?? 0);
        }
    }

    /// <summary>
    /// Bytes of the native graph (vectors in the index's scalar kind plus links): what usearch allocated, or for a
    /// memory-mapped view the file it maps (usearch counts only its own allocations).
    /// </summary>
    public long NativeBytes
    {
        get
        {
            nint error = 0;
            var bytes = _mapped ? (long)UsearchNative.SerializedLength(_index, &error) : (long)UsearchNative.MemoryUsage(_index, &error);
            UsearchNative.Check(error, _mapped ? "serialized_length" : "memory_usage");
            return bytes;
        }
    }

    public long MemoryBytes => NativeBytes + OwnItemBytes;

    /// <summary>Bytes of the older format's own item vectors and ids (0 when the vectors are the caller's).</summary>
    public long OwnItemBytes => _items?.Bytes ?? 0;

    /// <summary>
    /// Builds the index over <paramref name="ids"/> and the row-major <paramref name="vectors"/>. The array is not
    /// copied: the index re-scores from it, so the caller must not change it while the index lives.
    /// </summary>
    public static HnswVectorIndex Build(ReadOnlySpan<long> ids, float[] vectors, int dimensions, VectorIndexOptions? options = null) =>
        Build(ids, ItemVectors.ByIds(ids, vectors, dimensions), options);

    /// <summary>Builds the index over the items <paramref name="ids"/> of <paramref name="vectors"/>; keys are the ids.</summary>
    public static HnswVectorIndex Build(ReadOnlySpan<long> ids, ItemVectors vectors, VectorIndexOptions? options = null)
    {
        options ??= new VectorIndexOptions();
        var dimensions = vectors.Dimensions;
        var maxNorm = 0f;
        var buffer = new float[dimensions];
        foreach (var id in ids)
        {
            var vector = vectors.Vector(id, buffer);
            if (vector.IsEmpty)
            {
                throw new ArgumentException($"Item {id} has no vector.", nameof(ids));
            }

            maxNorm = MathF.Max(maxNorm, TensorPrimitives.Norm(vector));
        }

        var init = new UsearchNative.InitOptions
        {
            Metric = options.Metric == VectorMetric.Cosine ? UsearchNative.MetricKind.Cosine : UsearchNative.MetricKind.InnerProduct,
            Quantization = ScalarKindOf(options.Quantization),
            Dimensions = (nuint)(dimensions + 1),
            Connectivity = (nuint)options.Connectivity,
            ExpansionAdd = (nuint)options.ExpansionAdd,
            ExpansionSearch = (nuint)options.ExpansionSearch,
        };
        nint error = 0;
        var index = UsearchNative.Init(&init, &error);
        UsearchNative.Check(error, "init");
        var result = new HnswVectorIndex(index, vectors, ids.Length, maxNorm, options);
        try
        {
            // Capacity and thread slots up front: usearch_add never grows the index, so parallel adds are safe.
            UsearchNative.Reserve(index, (nuint)ids.Length, &error);
            UsearchNative.Check(error, "reserve");
            result.ReserveThreads(Math.Max(options.BuildThreads, options.SearchThreads));
            result.AddAll(ids.ToArray(), options.BuildThreads);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an index written by <see cref="Save"/>, re-scoring from <paramref name="vectors"/> (keyed as at the
    /// build). With <paramref name="memoryMap"/> the graph is mapped read-only instead of read into memory, so a
    /// restart costs page faults, not a rebuild or a full read. An index saved in the older format, with its own
    /// item vectors beside it (<c>.items</c>), opens too and re-scores from those.
    /// </summary>
    public static HnswVectorIndex Open(string path, ItemVectors vectors, VectorIndexOptions? options = null, bool memoryMap = false)
    {
        options ??= new VectorIndexOptions();
        ItemStore? items = null;
        GraphMeta? meta = null;
        if (File.Exists(ItemsPath(path)))
        {
            items = ItemStore.Open(ItemsPath(path), memoryMap);
        }
        else
        {
            meta = GraphMeta.Read(MetaPath(path));
            if (meta.Dimensions != vectors.Dimensions)
            {
                throw new InvalidDataException($"{path} holds {meta.Dimensions}-dimensional items, the item vectors have {vectors.Dimensions}.");
            }
        }

        nint error = 0;
        var index = UsearchNative.Init(null, &error);
        if (error != 0)
        {
            items?.Dispose();
            UsearchNative.Check(error, "init");
        }

        var result = items is not null
            ? new HnswVectorIndex(index, items, options)
            : new HnswVectorIndex(index, vectors, meta!.Count, meta.MaxNorm, options);
        try
        {
            if (memoryMap)
            {
                UsearchNative.View(index, path, &error);
                result._mapped = true;
            }
            else
            {
                UsearchNative.Load(index, path, &error);
            }

            UsearchNative.Check(error, memoryMap ? "view" : "load");
            if ((int)UsearchNative.Size(index, &error) != result.Count || (int)UsearchNative.Dimensions(index, &error) != result.Dimensions + 1)
            {
                throw new InvalidDataException($"{path} and {(items is null ? MetaPath(path) : ItemsPath(path))} do not belong together.");
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

    /// <summary>
    /// Writes the graph to <paramref name="path"/> and its count, dimensions and maximum norm next to it
    /// (<c>.meta</c>); the item vectors are the caller's and are saved with the model, not here.
    /// </summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_index == 0, this);
        nint error = 0;
        UsearchNative.Save(_index, path, &error);
        UsearchNative.Check(error, "save");
        if (_items is not null)
        {
            _items.Save(ItemsPath(path));
        }
        else
        {
            new GraphMeta(Count, Dimensions, MaxNorm).Write(MetaPath(path));
        }
    }

    /// <summary>The older format's item vectors beside the graph.</summary>
    public static string ItemsPath(string path) => path + ".items";

    public static string MetaPath(string path) => path + ".meta";

    private static UsearchNative.ScalarKind ScalarKindOf(VectorQuantization quantization) => quantization switch
    {
        VectorQuantization.F32 => UsearchNative.ScalarKind.Float32,
        VectorQuantization.F16 => UsearchNative.ScalarKind.Float16,
        VectorQuantization.I8 => UsearchNative.ScalarKind.Int8,
        _ => throw new ArgumentOutOfRangeException(nameof(quantization), quantization, null),
    };

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
            // The query's extra coordinate is 0, so its inner product with any augmented item is q.x. Scaled to unit
            // length like the items (see AddAll): the order is the same, and an 8-bit graph sees values in [-1, 1].
            var norm = TensorPrimitives.Norm(query);
            TensorPrimitives.Multiply(query, norm > 0 ? 1f / norm : 1f, augmented.AsSpan(0, dims));
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
                var key = (long)keys[i];
                if (_items is not null)
                {
                    heap.Add(_items.Ids[key], TensorPrimitives.Dot(query, _items.Row(key)));
                    continue;
                }

                heap.Add(key, _vectors!.Dot(query, key));
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

    /// <summary>
    /// Adds every item as [x, sqrt(M^2 - |x|^2)] / M: on the unit sphere, so that the graph's scalar kind (8-bit
    /// integers scale by 127 and clip at 1) keeps the most of each coordinate, and cosine order is unchanged.
    /// </summary>
    private void AddAll(long[] ids, int threads)
    {
        var dims = Dimensions;
        var maxNorm = MaxNorm;
        var maxNormSquared = (double)maxNorm * maxNorm;
        var scale = maxNorm > 0 ? 1f / maxNorm : 1f;
        var vectors = _vectors!;
        Parallel.For(
            0,
            ids.Length,
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new float[dims + 1],
            (i, _, buffer) =>
            {
                // The row is read into the buffer, then scaled in place (the ops are element-wise).
                var vector = vectors.Vector(ids[i], buffer);
                var normSquared = (double)TensorPrimitives.Dot(vector, vector);
                TensorPrimitives.Multiply(vector, scale, buffer.AsSpan(0, dims));
                buffer[dims] = (float)Math.Sqrt(Math.Max(0.0, maxNormSquared - normSquared)) * scale;
                nint error = 0;
                fixed (float* v = buffer)
                {
                    UsearchNative.Add(_index, (ulong)ids[i], v, UsearchNative.ScalarKind.Float32, &error);
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
        _items?.Dispose();
        _slots.Release(_slotCount);
    }

    /// <summary>What the graph file does not say about its items: their count, dimensions (before augmentation) and largest norm.</summary>
    private sealed record GraphMeta(int Count, int Dimensions, float MaxNorm)
    {
        public static GraphMeta Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} is missing: the vector index has neither its .meta nor its .items file.", path);
            }

            return System.Text.Json.JsonSerializer.Deserialize<GraphMeta>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is not a vector index description.");
        }

        public void Write(string path) => File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(this));
    }
}
