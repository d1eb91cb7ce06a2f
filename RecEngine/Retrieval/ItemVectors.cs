namespace RecEngine.Retrieval;

/// <summary>
/// The exact item vectors an approximate index re-scores its hits with, looked up by the index's key. Wraps a
/// row-major matrix the caller already holds (the ALS item factors), without copying it: the vectors are held
/// once, by their owner, and the graph keeps only its quantised copy.
/// </summary>
internal sealed class ItemVectors
{
    private readonly float[] _matrix;
    private readonly long[]? _rowOfKey;
    private readonly Dictionary<long, int>? _rowOfId;

    private ItemVectors(float[] matrix, int dimensions, long[]? rowOfKey, Dictionary<long, int>? rowOfId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (matrix.Length % dimensions != 0)
        {
            throw new ArgumentException($"{matrix.Length} floats are not rows of {dimensions}.", nameof(matrix));
        }

        _matrix = matrix;
        _rowOfKey = rowOfKey;
        _rowOfId = rowOfId;
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    /// <summary>Bytes of the wrapped matrix (owned by the caller; counted where it is owned).</summary>
    public long MatrixBytes => (long)_matrix.Length * sizeof(float);

    /// <summary>Key k is row k of <paramref name="matrix"/>.</summary>
    public static ItemVectors ByRow(float[] matrix, int dimensions) => new(matrix, dimensions, null, null);

    /// <summary>Key <c>ids[r]</c> is row r of <paramref name="matrix"/> (identity ids need no lookup table).</summary>
    public static ItemVectors ByIds(ReadOnlySpan<long> ids, float[] matrix, int dimensions)
    {
        if ((long)ids.Length * dimensions != matrix.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {matrix.Length}.", nameof(matrix));
        }

        var identity = true;
        for (var r = 0; r < ids.Length && identity; r++)
        {
            identity = ids[r] == r;
        }

        if (identity)
        {
            return ByRow(matrix, dimensions);
        }

        var rowOf = new Dictionary<long, int>(ids.Length);
        for (var r = 0; r < ids.Length; r++)
        {
            rowOf[ids[r]] = r;
        }

        return new ItemVectors(matrix, dimensions, null, rowOf);
    }

    /// <summary>Key k is row <c>rowOfKey[k]</c> of <paramref name="matrix"/>, absent when that is -1 (an index saved for an older catalog).</summary>
    public static ItemVectors Remapped(float[] matrix, int dimensions, long[] rowOfKey) => new(matrix, dimensions, rowOfKey, null);

    /// <summary>The vector of <paramref name="key"/>, or an empty span when the key has none.</summary>
    public ReadOnlySpan<float> Vector(long key)
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

        var offset = row * Dimensions;
        return row < 0 || offset + Dimensions > _matrix.Length ? default : _matrix.AsSpan((int)offset, Dimensions);
    }
}
