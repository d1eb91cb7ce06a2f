using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// A categorical input hashed into <paramref name="Buckets"/> ids 1..Buckets; id 0 (and anything out of range)
/// is the out-of-vocabulary row, so its table has Buckets + 1 rows.
/// </summary>
internal sealed record CategoricalField(string Name, int Buckets, int? Width = null)
{
    public int Rows => Buckets + 1;

    /// <summary>Embedding width: the given one, else <see cref="WidthFor"/>.</summary>
    public int EmbeddingWidth => Width ?? WidthFor(Buckets);

    /// <summary>
    /// Width grows with log(cardinality): log2 of the vocabulary rounded up to a multiple of 4 (SIMD lanes),
    /// between 4 and 32, e.g. 8 for 24 hours, 20 for 100k videos.
    /// </summary>
    public static int WidthFor(int cardinality) =>
        Math.Clamp(4 * (int)Math.Ceiling(Math.Log2(Math.Max(cardinality, 2)) / 4), 4, 32);
}

/// <summary>
/// A text input as <paramref name="Tokens"/> hashed token ids in 1..Buckets-1 (0 pads), averaged as a bag of
/// token embeddings; its table has Buckets rows.
/// </summary>
internal sealed record TextField(string Name, int Buckets, int Tokens, int? Width = null)
{
    public int Rows => Buckets;

    public int EmbeddingWidth => Width ?? CategoricalField.WidthFor(Buckets);
}

/// <summary>Shape of a <see cref="RankerNetwork"/>: DLRM-style inputs, DCN-v2 crosses, an MLP and two heads.</summary>
internal sealed record RankerNetworkOptions
{
    public required int DenseFeatures { get; init; }
    public required IReadOnlyList<CategoricalField> Fields { get; init; }

    /// <summary>Text inputs; their token ids follow the categorical ids in each row of the id input.</summary>
    public IReadOnlyList<TextField> TextFields { get; init; } = [];
    public int CrossLayers { get; init; } = 2;
    public IReadOnlyList<int> HiddenLayers { get; init; } = [256, 128, 64];

    /// <summary>Width of x0: dense features, every field's embedding, then every text field's bag embedding.</summary>
    public int InputWidth => DenseFeatures + Fields.Sum(f => f.EmbeddingWidth) + TextFields.Sum(t => t.EmbeddingWidth);

    /// <summary>Ids per example: one per categorical field, then every text field's token slots.</summary>
    public int IdWidth => Fields.Count + TextFields.Sum(t => t.Tokens);

    /// <summary>Multiply-adds per scored row (embedding gathers excluded); FLOPs are twice this.</summary>
    public long MultiplyAddsPerRow
    {
        get
        {
            long d0 = InputWidth;
            var total = CrossLayers * d0 * d0;
            var previous = d0;
            foreach (var h in HiddenLayers)
            {
                total += previous * h;
                previous = h;
            }

            return total + previous * RankerNetwork.Heads;
        }
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(DenseFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(CrossLayers);
        if (InputWidth == 0)
        {
            throw new ArgumentException("The network needs at least one dense feature or categorical field.");
        }

        if (HiddenLayers.Any(h => h < 1) || Fields.Any(f => f.Buckets < 1 || f.EmbeddingWidth < 1)
            || TextFields.Any(t => t.Buckets < 2 || t.Tokens < 1 || t.EmbeddingWidth < 1))
        {
            throw new ArgumentException("Hidden layer sizes, field buckets, token slots and embedding widths must be positive (a text field needs at least 2 buckets).");
        }
    }
}

/// <summary>
/// Standardisation of the dense inputs, (x - mean) * scale with scale = 1 / std, applied first in the
/// network so that it is exported into the ONNX graph (Sub, Mul) and serving needs no separate step.
/// </summary>
internal sealed record DenseNormalizer(float[] Mean, float[] Scale);
