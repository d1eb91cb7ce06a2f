namespace RecEngine.Retrieval;

/// <summary>
/// The exact item vectors an approximate index re-scores its hits with, looked up by the index's key. Wraps the item
/// factors the caller already holds (<see cref="ItemFactorStore"/>, float32 or float16), without copying them: the
/// vectors are held once, by their owner, and the graph keeps only its quantised copy.
/// </summary>
internal sealed class ItemVectors
{
    private readonly ItemFactorStore _store;
    private readonly long[]? _rowOfKey;
    private readonly Dictionary<long, int>? _rowOfId;

    private ItemVectors(ItemFactorStore store, long[]? rowOfKey, Dictionary<long, int>? rowOfId)
    {
        _store = store;
        _rowOfKey = rowOfKey;
        _rowOfId = rowOfId;
    }

    public int Dimensions => _store.Factors;

    /// <summary>Bytes of the wrapped matrix (owned by the caller; counted where it is owned).</summary>
    public long MatrixBytes => _store.Bytes;

    /// <summary>Key k is row k of <paramref name="matrix"/>.</summary>
    public static ItemVectors ByRow(float[] matrix, int dimensions) => ByRow(ItemFactorStore.Of(matrix, dimensions));

    /// <summary>Key k is row k of <paramref name="store"/>.</summary>
    public static ItemVectors ByRow(ItemFactorStore store) => new(store, null, null);

    /// <summary>Key <c>ids[r]</c> is row r of <paramref name="matrix"/> (identity ids need no lookup table).</summary>
    public static ItemVectors ByIds(ReadOnlySpan<long> ids, float[] matrix, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if ((long)ids.Length * dimensions != matrix.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {matrix.Length}.", nameof(matrix));
        }

        return ByIds(ids, ItemFactorStore.Of(matrix, dimensions));
    }

    /// <summary>Key <c>ids[r]</c> is row r of <paramref name="store"/> (identity ids need no lookup table).</summary>
    public static ItemVectors ByIds(ReadOnlySpan<long> ids, ItemFactorStore store)
    {
        if (ids.Length != store.Count)
        {
            throw new ArgumentException($"Expected {ids.Length} rows, got {store.Count}.", nameof(store));
        }

        var identity = true;
        for (var r = 0; r < ids.Length && identity; r++)
        {
            identity = ids[r] == r;
        }

        if (identity)
        {
            return ByRow(store);
        }

        var rowOf = new Dictionary<long, int>(ids.Length);
        for (var r = 0; r < ids.Length; r++)
        {
            rowOf[ids[r]] = r;
        }

        return new ItemVectors(store, null, rowOf);
    }

    /// <summary>Key k is row <c>rowOfKey[k]</c> of <paramref name="store"/>, absent when that is -1 (an index saved for an older catalog).</summary>
    public static ItemVectors Remapped(ItemFactorStore store, long[] rowOfKey) => new(store, rowOfKey, null);

    /// <summary>The row of <paramref name="key"/>, or -1 when the key has none.</summary>
    public int RowOf(long key)
    {
        long row;
        if (_rowOfKey is not null)
        {
            row = key >= 0 && key < _rowOfKey.Length ? _rowOfKey[key] : -1;
        }
        else if (_rowOfId is not null)
        {
            row = _rowOfId.TryGetValue(key, out var r) ? r : -1;
        }
        else
        {
            row = key;
        }

        return row < 0 || row >= _store.Count ? -1 : (int)row;
    }

    /// <summary>
    /// The vector of <paramref name="key"/> in float32 (converted into <paramref name="buffer"/> when the factors are
    /// float16), or an empty span when the key has none.
    /// </summary>
    public ReadOnlySpan<float> Vector(long key, Span<float> buffer)
    {
        var row = RowOf(key);
        return row < 0 ? default : _store.Row(row, buffer);
    }

    /// <summary>The inner product of <paramref name="query"/> with the vector of <paramref name="key"/>; -infinity when the key has none.</summary>
    public float Dot(ReadOnlySpan<float> query, long key)
    {
        var row = RowOf(key);
        return row < 0 ? float.NegativeInfinity : _store.Dot(query, row);
    }
}
