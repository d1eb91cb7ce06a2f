using System.Buffers.Binary;
using MathNet.Numerics.LinearAlgebra;

namespace RecEngine.Retrieval;

/// <summary>
/// A linear map from a thumbnail's visual embedding (ResNet-18, 512-d) to the item-factor space: ridge regression
/// (Hoerl &amp; Kennard 1970) of the trained videos' factors on their standardised embeddings, with an intercept,
/// <c>W = (XᵀX + λI)⁻¹ XᵀY</c>. Fitted at training time on the videos that have both a thumbnail embedding and a trained
/// factor row; a video nobody watched yet is then placed by what its thumbnail looks like, beside what it shares with
/// other videos (<see cref="ContentVectors"/>). λ is chosen from a grid by the error on a held-out fifth of the rows,
/// then the map is refitted on all of them.
/// </summary>
internal sealed class VisualProjection
{
    /// <summary>Fewest trained videos with a thumbnail to fit a projection on; fewer, and thumbnails are not used.</summary>
    public const int MinimumRows = 50;

    /// <summary>
    /// Interactions a trained video needs to be fitted on: the factors of a video watched once or twice are mostly the
    /// ALS prior, not its audience, and fitting them teaches the map noise. Without enough such videos, all trained
    /// videos are used.
    /// </summary>
    public const int MinimumSupport = 3;

    /// <summary>
    /// Default share of the held-out factors' variance a projection must explain to be used: one that explains nothing
    /// only adds noise to the content vectors it joins (benchmarks/RESULTS.md, cold start).
    /// </summary>
    public const double MinimumHeldOutR2 = 0.01;

    private static readonly double[] LambdaGrid = [0.1, 1, 10, 100, 1000];

    private readonly float[] _mean;
    private readonly float[] _scale;
    private readonly float[] _weights; // (dims + 1) x factors, row-major; the last row is the intercept

    private VisualProjection(int dims, int factors, float[] mean, float[] scale, float[] weights, double lambda, double heldOutR2)
    {
        Dimensions = dims;
        Factors = factors;
        _mean = mean;
        _scale = scale;
        _weights = weights;
        Lambda = lambda;
        HeldOutR2 = heldOutR2;
    }

    public int Dimensions { get; }

    public int Factors { get; }

    public double Lambda { get; }

    /// <summary>Share of the held-out factors' variance the chosen λ explained (1 - SSE/SST), for the training log.</summary>
    public double HeldOutR2 { get; }

    /// <summary>
    /// The projection, or null when fewer than <see cref="MinimumRows"/> trained videos have an embedding.
    /// <paramref name="support"/>: each video's interactions in training, to fit on the well-supported ones only.
    /// </summary>
    public static VisualProjection? Fit(IReadOnlyList<float[]?> embeddings, float[] itemFactors, int factors, ReadOnlySpan<bool> trained, ReadOnlySpan<int> support = default)
    {
        var rows = new List<int>();
        for (var i = 0; i < embeddings.Count; i++)
        {
            if (trained[i] && embeddings[i] is not null && (support.IsEmpty || support[i] >= MinimumSupport))
            {
                rows.Add(i);
            }
        }

        if (rows.Count < MinimumRows && !support.IsEmpty)
        {
            return Fit(embeddings, itemFactors, factors, trained);
        }

        if (rows.Count < MinimumRows)
        {
            return null;
        }

        var dims = embeddings[rows[0]]!.Length;
        var mean = new float[dims];
        var scale = new float[dims];
        foreach (var r in rows)
        {
            var e = embeddings[r]!;
            for (var d = 0; d < dims; d++)
            {
                mean[d] += e[d] / rows.Count;
            }
        }

        foreach (var r in rows)
        {
            var e = embeddings[r]!;
            for (var d = 0; d < dims; d++)
            {
                scale[d] += (e[d] - mean[d]) * (e[d] - mean[d]) / rows.Count;
            }
        }

        for (var d = 0; d < dims; d++)
        {
            scale[d] = scale[d] > 1e-12f ? 1f / MathF.Sqrt(scale[d]) : 0f;
        }

        var x = Matrix<double>.Build.Dense(rows.Count, dims + 1, (n, d) => d == dims ? 1.0 : (embeddings[rows[n]]![d] - mean[d]) * scale[d]);
        var y = Matrix<double>.Build.Dense(rows.Count, factors, (n, k) => itemFactors[(rows[n] * factors) + k]);

        // Every fifth row (a fixed, seedless split) is held out to choose λ.
        var fit = Enumerable.Range(0, rows.Count).Where(n => n % 5 != 0).ToArray();
        var held = Enumerable.Range(0, rows.Count).Where(n => n % 5 == 0).ToArray();
        var bestLambda = LambdaGrid[0];
        var bestR2 = double.NegativeInfinity;
        foreach (var lambda in LambdaGrid)
        {
            var w = Solve(Rows(x, fit), Rows(y, fit), lambda * fit.Length / 100.0);
            var r2 = R2(Rows(x, held) * w, Rows(y, held));
            if (r2 > bestR2)
            {
                (bestR2, bestLambda) = (r2, lambda);
            }
        }

        var weights = Solve(x, y, bestLambda * rows.Count / 100.0);
        var flat = new float[(dims + 1) * factors];
        for (var d = 0; d <= dims; d++)
        {
            for (var k = 0; k < factors; k++)
            {
                flat[(d * factors) + k] = (float)weights[d, k];
            }
        }

        return new VisualProjection(dims, factors, mean, scale, flat, bestLambda, bestR2);
    }

    /// <summary>The factor-space vector of an embedding.</summary>
    public float[] Project(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException($"An embedding of {embedding.Length} values, not {Dimensions}.", nameof(embedding));
        }

        var result = new float[Factors];
        result.AsSpan().Clear();
        _weights.AsSpan(Dimensions * Factors, Factors).CopyTo(result);
        for (var d = 0; d < Dimensions; d++)
        {
            var z = (embedding[d] - _mean[d]) * _scale[d];
            if (z == 0f)
            {
                continue;
            }

            var row = _weights.AsSpan(d * Factors, Factors);
            for (var k = 0; k < Factors; k++)
            {
                result[k] += z * row[k];
            }
        }

        return result;
    }

    /// <summary>Each embedding projected (null stays null).</summary>
    public float[]?[] ProjectAll(IReadOnlyList<float[]?> embeddings) => embeddings.Select(e => e is null ? null : Project(e)).ToArray();

    public void Save(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using var writer = new BinaryWriter(file);
        writer.Write(Dimensions);
        writer.Write(Factors);
        writer.Write(Lambda);
        writer.Write(HeldOutR2);
        foreach (var array in new[] { _mean, _scale, _weights })
        {
            foreach (var v in array)
            {
                writer.Write(v);
            }
        }

        writer.Flush();
        file.Flush(flushToDisk: true);
    }

    /// <summary>Every present embedding projected (null where there is none, or where its length is not the projection's).</summary>
    public static float[]?[] ProjectAll(VisualProjection projection, IReadOnlyList<float[]?> embeddings)
    {
        var projected = new float[]?[embeddings.Count];
        for (var i = 0; i < projected.Length; i++)
        {
            if (embeddings[i] is { } e && e.Length == projection.Dimensions)
            {
                projected[i] = projection.Project(e);
            }
        }

        return projected;
    }

    public static VisualProjection Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var dims = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var factors = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        var expected = 24 + (4L * ((2 * dims) + ((dims + 1) * factors)));
        if (dims <= 0 || factors <= 0 || bytes.Length != expected)
        {
            throw new InvalidDataException($"'{path}' is not a visual projection ({bytes.Length} bytes for {dims} x {factors}).");
        }

        var lambda = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8));
        var r2 = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(16));
        var offset = 24;
        float[] Next(int count)
        {
            var a = new float[count];
            for (var i = 0; i < count; i++, offset += 4)
            {
                a[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset));
            }

            return a;
        }

        var mean = Next(dims);
        var scale = Next(dims);
        var weights = Next((dims + 1) * factors);
        return new VisualProjection(dims, factors, mean, scale, weights, lambda, r2);
    }

    private static Matrix<double> Rows(Matrix<double> m, int[] rows) => Matrix<double>.Build.Dense(rows.Length, m.ColumnCount, (n, c) => m[rows[n], c]);

    private static Matrix<double> Solve(Matrix<double> x, Matrix<double> y, double lambda)
    {
        var gram = x.TransposeThisAndMultiply(x);
        // The intercept (last column) is not shrunk.
        for (var d = 0; d < gram.RowCount - 1; d++)
        {
            gram[d, d] += lambda;
        }

        gram[gram.RowCount - 1, gram.RowCount - 1] += 1e-9;
        return gram.Cholesky().Solve(x.TransposeThisAndMultiply(y));
    }

    private static double R2(Matrix<double> predicted, Matrix<double> actual)
    {
        double sse = 0, sst = 0;
        for (var k = 0; k < actual.ColumnCount; k++)
        {
            var mean = actual.Column(k).Average();
            for (var n = 0; n < actual.RowCount; n++)
            {
                sse += Math.Pow(actual[n, k] - predicted[n, k], 2);
                sst += Math.Pow(actual[n, k] - mean, 2);
            }
        }

        return sst > 0 ? 1 - (sse / sst) : 0;
    }
}
