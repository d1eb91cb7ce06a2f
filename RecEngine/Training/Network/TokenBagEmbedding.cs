using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// A text field as a bag of hashed tokens: the mean of the token embeddings over the row's non-padding slots
/// (continuous bag of words; Covington et al. 2016 average the embeddings of a variable-length bag the same way).
/// Id 0 pads; ids outside [1, Rows) (corrupt input) count as padding too, so no input can index out of the table.
/// A row with no tokens gets the zero vector.
/// </summary>
internal sealed class TokenBagEmbedding
{
    public TokenBagEmbedding(TextField field)
    {
        Field = field;
        Table = new EmbeddingTable(field.Rows, field.EmbeddingWidth);
    }

    public TextField Field { get; }

    public EmbeddingTable Table { get; }

    public int Width => Table.Width;

    public int Tokens => Field.Tokens;

    public bool IsToken(long id) => id > 0 && id < Table.Rows;

    /// <summary>
    /// Writes the mean embedding of the tokens in id columns [firstSlot, firstSlot + Tokens) into output columns
    /// [offset, offset + Width) of the [batch, outputStride] output.
    /// </summary>
    public void Forward(ReadOnlySpan<long> ids, int idStride, int firstSlot, Span<float> output, int outputStride, int offset, int batch)
    {
        var values = Table.Values;
        for (var b = 0; b < batch; b++)
        {
            var target = output.Slice(b * outputStride + offset, Width);
            target.Clear();
            var tokens = ids.Slice(b * idStride + firstSlot, Tokens);
            var count = 0;
            foreach (var id in tokens)
            {
                if (IsToken(id))
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(target, values.AsSpan((int)id * Width, Width), target);
                    count++;
                }
            }

            if (count > 1)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(target, 1f / count, target);
            }
        }
    }

    /// <summary>d(mean)/d(token row) = 1 / count: each token's row gets the output gradient divided by the bag's size.</summary>
    public void Backward(ReadOnlySpan<long> ids, int idStride, int firstSlot, ReadOnlySpan<float> outputGradient, int outputStride, int offset, int batch, SparseRowGradient gradient)
    {
        Span<float> share = stackalloc float[Width];
        for (var b = 0; b < batch; b++)
        {
            var tokens = ids.Slice(b * idStride + firstSlot, Tokens);
            var count = 0;
            foreach (var id in tokens)
            {
                count += IsToken(id) ? 1 : 0;
            }

            if (count == 0)
            {
                continue;
            }

            System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient.Slice(b * outputStride + offset, Width), 1f / count, share);
            foreach (var id in tokens)
            {
                if (IsToken(id))
                {
                    gradient.Add((int)id, share);
                }
            }
        }
    }
}
