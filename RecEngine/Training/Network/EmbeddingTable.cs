using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Embedding table [Rows, Width] for one categorical field. Row 0 is the out-of-vocabulary bucket: any id
/// outside [0, Rows) (unseen, negative, corrupt) is looked up there, in the ONNX graph the same way.
/// </summary>
internal sealed class EmbeddingTable
{
    public const int OutOfVocabulary = 0;

    public EmbeddingTable(int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Rows = rows;
        Width = width;
        Values = new float[rows * width];
    }

    public int Rows { get; }
    public int Width { get; }
    public float[] Values { get; }

    public void Initialize(Random random, float scale)
    {
        for (var i = 0; i < Values.Length; i++)
        {
            Values[i] = ((float)random.NextDouble() * 2f - 1f) * scale;
        }
    }

    public int RowOf(long id) => id >= 0 && id < Rows ? (int)id : OutOfVocabulary;

    /// <summary>
    /// Gathers the rows of <paramref name="ids"/> (one id per example, strided) into columns
    /// [offset, offset + Width) of the [batch, stride] output.
    /// </summary>
    public void Forward(ReadOnlySpan<long> ids, int idStride, int field, Span<float> output, int outputStride, int offset, int batch)
    {
        for (var b = 0; b < batch; b++)
        {
            var row = RowOf(ids[b * idStride + field]);
            Values.AsSpan(row * Width, Width).CopyTo(output.Slice(b * outputStride + offset, Width));
        }
    }

    /// <summary>Scatters dL/d(output columns) into the sparse gradient, one row per distinct id.</summary>
    public void Backward(ReadOnlySpan<long> ids, int idStride, int field, ReadOnlySpan<float> outputGradient, int outputStride, int offset, int batch, SparseRowGradient gradient)
    {
        for (var b = 0; b < batch; b++)
        {
            var row = RowOf(ids[b * idStride + field]);
            gradient.Add(row, outputGradient.Slice(b * outputStride + offset, Width));
        }
    }
}
