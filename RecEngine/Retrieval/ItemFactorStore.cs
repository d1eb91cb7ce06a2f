using System.Buffers;
using System.Numerics.Tensors;

namespace RecEngine.Retrieval;

/// <summary>How the serving process holds the ALS item factors (training always works in float32).</summary>
public enum ItemFactorPrecision
{
    /// <summary>32-bit floats, as trained.</summary>
    F32,

    /// <summary>16-bit floats: half the bytes; 11 significant bits, a relative error of at most 2^-11 per coordinate.</summary>
    F16,
}

/// <summary>
/// Row-major item factors (<see cref="Count"/> rows of <see cref="Factors"/>) held as float32 or float16. Training
/// updates float32 factors in place; serving only reads them, so it may hold half the bytes. Readers get a row in
/// float32 through a buffer of their own (a float32 store returns the row itself, no copy) or a dot product computed
/// in float32, so neither kind allocates per read.
/// </summary>
internal sealed class ItemFactorStore
{
    /// <summary>Rows up to this long are converted on the stack; the factor count is at most 512 (AlsOptions).</summary>
    private const int StackRow = 512;

    private readonly float[]? _single;
    private readonly Half[]? _half;

    private ItemFactorStore(float[]? single, Half[]? half, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        var length = single?.LongLength ?? half!.LongLength;
        if (length % factors != 0)
        {
            throw new ArgumentException($"{length} values are not rows of {factors}.", nameof(factors));
        }

        _single = single;
        _half = half;
        Factors = factors;
        Count = (int)(length / factors);
    }

    public int Count { get; }

    public int Factors { get; }

    public ItemFactorPrecision Precision => _half is null ? ItemFactorPrecision.F32 : ItemFactorPrecision.F16;

    /// <summary>Bytes of the held matrix.</summary>
    public long Bytes => _half is not null ? _half.LongLength * sizeof(ushort) : _single!.LongLength * sizeof(float);

    /// <summary>The float32 matrix itself (null for a float16 store): training and the exact scan read it directly.</summary>
    public float[]? SingleMatrix => _single;

    /// <summary>Wraps a float32 matrix without copying it: the caller must not change it while the store is read.</summary>
    public static ItemFactorStore Of(float[] matrix, int factors) => new(matrix, null, factors);

    /// <summary>
    /// The factors in <paramref name="precision"/>: float32 wraps <paramref name="matrix"/>, float16 converts it (round to
    /// nearest) into a new array. A finite value beyond float16's range (65,504) would become infinite, so a matrix
    /// holding one stays float32; regularised ALS factors are orders of magnitude below it.
    /// </summary>
    public static ItemFactorStore Create(float[] matrix, int factors, ItemFactorPrecision precision)
    {
        if (precision == ItemFactorPrecision.F32 || !FitsHalf(matrix))
        {
            return Of(matrix, factors);
        }

        var half = new Half[matrix.Length];
        TensorPrimitives.ConvertToHalf(matrix, half);
        return new ItemFactorStore(null, half, factors);
    }

    private static bool FitsHalf(ReadOnlySpan<float> values)
    {
        var max = (float)Half.MaxValue;
        foreach (var x in values)
        {
            if (float.IsFinite(x) && MathF.Abs(x) > max)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Row <paramref name="row"/> in float32: the row itself for a float32 store, otherwise converted into
    /// <paramref name="buffer"/> (at least <see cref="Factors"/> long). The span is valid while the buffer is.
    /// </summary>
    public ReadOnlySpan<float> Row(int row, Span<float> buffer)
    {
        if (_single is not null)
        {
            return _single.AsSpan(row * Factors, Factors);
        }

        var destination = buffer[..Factors];
        TensorPrimitives.ConvertToSingle(_half.AsSpan(row * Factors, Factors), destination);
        return destination;
    }

    /// <summary>Rows [<paramref name="from"/>, from + rows) in float32, converted into <paramref name="buffer"/> or, for float32, in place.</summary>
    public ReadOnlySpan<float> Rows(int from, int rows, Span<float> buffer)
    {
        var length = rows * Factors;
        if (_single is not null)
        {
            return _single.AsSpan(from * Factors, length);
        }

        var destination = buffer[..length];
        TensorPrimitives.ConvertToSingle(_half.AsSpan(from * Factors, length), destination);
        return destination;
    }

    /// <summary>Copies row <paramref name="row"/> into <paramref name="destination"/> in float32.</summary>
    public void CopyRow(int row, Span<float> destination) => Row(row, destination).CopyTo(destination);

    /// <summary>Row <paramref name="row"/> as a new float32 array (allocates: off the request path).</summary>
    public float[] RowArray(int row)
    {
        var result = new float[Factors];
        CopyRow(row, result);
        return result;
    }

    /// <summary>The whole matrix in float32: the matrix itself for a float32 store, otherwise a new array.</summary>
    public float[] ToSingle()
    {
        if (_single is not null)
        {
            return _single;
        }

        var result = new float[_half!.Length];
        TensorPrimitives.ConvertToSingle(_half, result);
        return result;
    }

    /// <summary>The inner product of <paramref name="query"/> (float32) with row <paramref name="row"/>, summed in float32.</summary>
    public float Dot(ReadOnlySpan<float> query, int row)
    {
        if (_single is not null)
        {
            return TensorPrimitives.Dot(query, _single.AsSpan(row * Factors, Factors));
        }

        if (Factors <= StackRow)
        {
            Span<float> buffer = stackalloc float[Factors];
            return TensorPrimitives.Dot(query, Row(row, buffer));
        }

        var rented = ArrayPool<float>.Shared.Rent(Factors);
        try
        {
            return TensorPrimitives.Dot(query, Row(row, rented));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The inner product of rows <paramref name="a"/> and <paramref name="b"/>, summed in float32.</summary>
    public float Dot(int a, int b)
    {
        if (_single is not null)
        {
            return TensorPrimitives.Dot(_single.AsSpan(a * Factors, Factors), _single.AsSpan(b * Factors, Factors));
        }

        if (Factors <= StackRow)
        {
            Span<float> buffer = stackalloc float[Factors];
            return Dot(Row(a, buffer), b);
        }

        var rented = ArrayPool<float>.Shared.Rent(Factors);
        try
        {
            return Dot(Row(a, rented), b);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
