using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// The ranker, in the DLRM (Naumov et al. 2019) / DCN-v2 (Wang et al. 2021) family:
/// x0 = [normalised dense features, one embedding per categorical field]; cross layers
/// x_{l+1} = x0 ⊙ (W x_l + b) + x_l; an MLP with ReLU; one linear layer giving two logits:
/// P(watch) = sigmoid(z0) and expected watch time = e^{z1} (Covington et al. 2016).
/// </summary>
internal sealed class RankerNetwork
{
    public const int Heads = 2;
    public const int WatchHead = 0;
    public const int WatchTimeHead = 1;

    public RankerNetwork(RankerNetworkOptions options, int seed)
    {
        options.Validate();
        Options = options;
        InputWidth = options.InputWidth;
        var random = new Random(seed);
        Embeddings = [.. options.Fields.Select(f => new EmbeddingTable(f.Rows, f.EmbeddingWidth))];
        foreach (var table in Embeddings)
        {
            table.Initialize(random, 1f / MathF.Sqrt(table.Width));
        }

        Bags = [.. options.TextFields.Select(t => new TokenBagEmbedding(t))];
        foreach (var bag in Bags)
        {
            bag.Table.Initialize(random, 1f / MathF.Sqrt(bag.Width));
        }

        Tables = [.. Embeddings, .. Bags.Select(b => b.Table)];
        Crosses = [.. Enumerable.Range(0, options.CrossLayers).Select(_ => new CrossLayer(InputWidth))];
        foreach (var cross in Crosses)
        {
            cross.Linear.InitializeGlorot(random);
        }

        var hidden = new List<DenseLayer>();
        var previous = InputWidth;
        foreach (var width in options.HiddenLayers)
        {
            var layer = new DenseLayer(previous, width);
            layer.InitializeHe(random);
            hidden.Add(layer);
            previous = width;
        }

        Hidden = [.. hidden];
        Head = new DenseLayer(previous, Heads);
        Head.InitializeGlorot(random);
        DenseParameters = [.. Crosses.SelectMany(c => new[] { c.Linear.Weights, c.Linear.Bias }),
            .. Hidden.SelectMany(h => new[] { h.Weights, h.Bias }), Head.Weights, Head.Bias];
    }

    public RankerNetworkOptions Options { get; }
    public int InputWidth { get; }
    public int DenseFeatures => Options.DenseFeatures;
    public int FieldCount => Embeddings.Length;

    /// <summary>Ids per example row: the categorical fields' ids, then the text fields' token slots.</summary>
    public int IdWidth => Options.IdWidth;
    public EmbeddingTable[] Embeddings { get; }

    /// <summary>The text fields, each a bag of token embeddings after the categorical embeddings in x0.</summary>
    public TokenBagEmbedding[] Bags { get; }

    /// <summary>Every embedding table (categorical fields, then text fields), in the order of the sparse gradients.</summary>
    public EmbeddingTable[] Tables { get; }
    public CrossLayer[] Crosses { get; }
    public DenseLayer[] Hidden { get; }
    public DenseLayer Head { get; }

    /// <summary>Optional standardisation of the dense inputs; null means they enter as they are.</summary>
    public DenseNormalizer? Normalizer { get; set; }

    /// <summary>Every dense parameter (crosses, MLP, head; weights then bias), the order Adam and gradients use.</summary>
    public IReadOnlyList<float[]> DenseParameters { get; }

    /// <summary>Forward pass over <paramref name="batch"/> rows into <see cref="RankerWorkspace.Logits"/>.</summary>
    public void Forward(RankerWorkspace ws, ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, int batch)
    {
        ws.EnsureCapacity(batch);
        var d0 = InputWidth;
        var x0 = ws.X0.AsSpan(0, batch * d0);
        var normalizer = Normalizer;
        for (var b = 0; b < batch; b++)
        {
            var source = dense.Slice(b * DenseFeatures, DenseFeatures);
            var target = x0.Slice(b * d0, DenseFeatures);
            if (normalizer is null)
            {
                source.CopyTo(target);
            }
            else
            {
                for (var j = 0; j < DenseFeatures; j++)
                {
                    target[j] = (source[j] - normalizer.Mean[j]) * normalizer.Scale[j];
                }
            }
        }

        var offset = DenseFeatures;
        for (var f = 0; f < Embeddings.Length; f++)
        {
            Embeddings[f].Forward(ids, IdWidth, f, x0, d0, offset, batch);
            offset += Embeddings[f].Width;
        }

        var slot = FieldCount;
        foreach (var bag in Bags)
        {
            bag.Forward(ids, IdWidth, slot, x0, d0, offset, batch);
            offset += bag.Width;
            slot += bag.Tokens;
        }

        ReadOnlySpan<float> x = x0;
        for (var l = 0; l < Crosses.Length; l++)
        {
            Crosses[l].Forward(x0, x, ws.CrossInner[l], ws.CrossOutput[l], batch);
            x = ws.CrossOutput[l].AsSpan(0, batch * d0);
        }

        for (var h = 0; h < Hidden.Length; h++)
        {
            var y = ws.HiddenOutput[h].AsSpan(0, batch * Hidden[h].Outputs);
            Hidden[h].Forward(x, y, batch);
            Relu.Forward(y);
            x = y;
        }

        Head.Forward(x, ws.Logits, batch);
    }

    /// <summary>
    /// Backward pass from <see cref="RankerWorkspace.LogitGradient"/> (dL/dz, [batch, 2]) after a
    /// <see cref="Forward"/> on the same workspace and inputs; accumulates into <paramref name="gradients"/>.
    /// </summary>
    public void Backward(RankerWorkspace ws, ReadOnlySpan<long> ids, int batch, RankerGradients gradients)
    {
        var d0 = InputWidth;
        var x0 = ws.X0.AsSpan(0, batch * d0);
        var p = gradients.Dense.Length - 2;
        ReadOnlySpan<float> headInput = Hidden.Length > 0 ? ws.HiddenOutput[^1] : CrossOrInput(ws, Crosses.Length - 1, batch);
        var g = Hidden.Length > 0 ? ws.HiddenGradient[^1] : ws.CrossGradient;
        Head.Backward(headInput[..(batch * Head.Inputs)], ws.LogitGradient, g, gradients.Dense[p], gradients.Dense[p + 1], batch);

        for (var h = Hidden.Length - 1; h >= 0; h--)
        {
            p -= 2;
            var layer = Hidden[h];
            var gy = ws.HiddenGradient[h].AsSpan(0, batch * layer.Outputs);
            Relu.Backward(ws.HiddenOutput[h], gy);
            var input = h > 0 ? ws.HiddenOutput[h - 1].AsSpan(0, batch * layer.Inputs) : CrossOrInput(ws, Crosses.Length - 1, batch);
            var gx = h > 0 ? ws.HiddenGradient[h - 1] : ws.CrossGradient;
            layer.Backward(input, gy, gx, gradients.Dense[p], gradients.Dense[p + 1], batch);
        }

        // dL/dx0 collects the direct x0 term of every cross layer and, at the bottom, dL/dx_0 itself.
        var gx0 = ws.InputGradient.AsSpan(0, batch * d0);
        gx0.Clear();
        for (var l = Crosses.Length - 1; l >= 0; l--)
        {
            p -= 2;
            var gxl = l > 0 ? ws.CrossGradientNext : ws.CrossGradientBottom;
            Crosses[l].Backward(x0, CrossOrInput(ws, l - 1, batch), ws.CrossInner[l], ws.CrossGradient, ws.CrossScratch, gx0, gxl,
                gradients.Dense[p], gradients.Dense[p + 1], batch);
            if (l > 0)
            {
                ws.CrossGradientNext.AsSpan(0, batch * d0).CopyTo(ws.CrossGradient);
            }
        }

        var bottom = Crosses.Length > 0 ? ws.CrossGradientBottom : ws.CrossGradient;
        System.Numerics.Tensors.TensorPrimitives.Add(gx0, bottom.AsSpan(0, batch * d0), gx0);

        var offset = DenseFeatures;
        for (var f = 0; f < Embeddings.Length; f++)
        {
            Embeddings[f].Backward(ids, IdWidth, f, gx0, d0, offset, batch, gradients.Sparse[f]);
            offset += Embeddings[f].Width;
        }

        var slot = FieldCount;
        for (var t = 0; t < Bags.Length; t++)
        {
            Bags[t].Backward(ids, IdWidth, slot, gx0, d0, offset, batch, gradients.Sparse[FieldCount + t]);
            offset += Bags[t].Width;
            slot += Bags[t].Tokens;
        }
    }

    private ReadOnlySpan<float> CrossOrInput(RankerWorkspace ws, int layer, int batch) =>
        (layer >= 0 ? ws.CrossOutput[layer] : ws.X0).AsSpan(0, batch * InputWidth);

    /// <summary>Scores rows: P(watch) = sigmoid(z0), expected watch time = e^{z1}.</summary>
    public void Predict(ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, int rows, Span<float> pWatch, Span<float> watchTime)
    {
        var logits = new float[rows * Heads];
        PredictLogits(dense, ids, rows, logits);
        ToOutputs(logits, rows, pWatch, watchTime);
    }

    /// <summary>The two logits of every row, [rows, <see cref="Heads"/>], added to <paramref name="sums"/>.</summary>
    public void PredictLogits(ReadOnlySpan<float> dense, ReadOnlySpan<long> ids, int rows, Span<float> sums)
    {
        const int Chunk = 256;
        var ws = new RankerWorkspace(this, Math.Clamp(rows, 1, Chunk));
        for (var start = 0; start < rows; start += Chunk)
        {
            var n = Math.Min(Chunk, rows - start);
            Forward(ws, dense.Slice(start * DenseFeatures, n * DenseFeatures), ids.Slice(start * IdWidth, n * IdWidth), n);
            System.Numerics.Tensors.TensorPrimitives.Add(sums.Slice(start * Heads, n * Heads), ws.Logits.AsSpan(0, n * Heads), sums.Slice(start * Heads, n * Heads));
        }
    }

    /// <summary>P(watch) = sigmoid(z0) and expected watch time = e^{z1} of every row's logits.</summary>
    public static void ToOutputs(ReadOnlySpan<float> logits, int rows, Span<float> pWatch, Span<float> watchTime)
    {
        for (var i = 0; i < rows; i++)
        {
            pWatch[i] = LogisticLoss.Sigmoid(logits[i * Heads + WatchHead]);
            watchTime[i] = MathF.Exp(logits[i * Heads + WatchTimeHead]);
        }
    }
}
