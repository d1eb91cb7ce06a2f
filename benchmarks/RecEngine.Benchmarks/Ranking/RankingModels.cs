using Google.Protobuf;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Training;
using DataType = Onnx.TensorProto.Types.DataType;

using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Benchmarks.Ranking;

/// <summary>The models the ranking benchmarks score: the default ranker and the raw MLP baseline of issue 4.</summary>
internal static class RankingModels
{
    public const int MlpInput = 256;
    public static readonly int[] MlpLayers = [512, 256, 128, 1];

    /// <summary>
    /// The production feature spec (<see cref="RankingFeatures.Spec"/>: 17 numeric features, title and tags),
    /// fitted on random raw values: its normalisation runs inside the exported graph.
    /// </summary>
    public static FittedFeatureSpec DefaultSpec()
    {
        var random = new Random(6);
        var spec = RankingFeatures.Spec;
        var rows = Enumerable.Range(0, 2000).Select(_ => new FeatureRow(
            [.. spec.Numeric.Select(_ => Math.Exp(random.NextDouble() * 6))], new string?[spec.Categorical.Count], []));
        return FittedFeatureSpec.Fit(spec, rows);
    }

    /// <summary>
    /// The default network (crosses 2, MLP 256-128-64) over the production inputs: the spec's dense columns,
    /// six hashed fields (user, video, creator, category, device, hour; widths from log2 of their cardinality)
    /// and the title and tags token bags.
    /// </summary>
    public static RankerNetworkOptions DefaultOptions() => new()
    {
        DenseFeatures = DefaultSpec().DenseWidth,
        Fields =
        [
            new CategoricalField("user", 100_000), new CategoricalField("video", 100_000), new CategoricalField("creator", 10_000),
            new CategoricalField("category", 50), new CategoricalField("device", 6), new CategoricalField("hour", 24),
        ],
        TextFields = [.. RankingFeatures.Spec.Text.Select(t => new TextField(t.Name, t.Buckets, t.MaxTokens))],
    };

    public static RankerNetwork DefaultNetwork() => new(DefaultOptions(), seed: 1);

    /// <summary>
    /// Networks in the served ranker: the product's default (<c>RecEngine:Ranking:Networks</c> unset) for the demo
    /// world's 20,000 videos. Catalogs from <see cref="OnnxRankerOptions.LargeCatalogVideos"/> on train one.
    /// </summary>
    public static int DefaultMembers => new OnnxRankerOptions().NetworksFor(20_000);

    /// <summary>
    /// The exported default ranker (<paramref name="members"/> networks, the trainer's default unless given) with the
    /// spec's normalisation in the graph: it takes imputed raw values.
    /// </summary>
    public static OnnxRanker DefaultRanker(int intraOpThreads = 1, int? members = null)
    {
        var ensemble = new RankerEnsemble([.. Enumerable.Range(0, members ?? DefaultMembers).Select(m => new RankerNetwork(DefaultOptions(), seed: 1 + m))]);
        return OnnxRanker.Load(RankerOnnxExporter.ToBytes(ensemble, DefaultSpec()), "bench", new OnnxRankerOptions { IntraOpThreads = intraOpThreads });
    }

    /// <summary>
    /// Random candidates: <paramref name="denseWidth"/> values in [-1, 1] (the network's dense columns by default;
    /// the ranker's raw width for scoring), ids anywhere in each field's vocabulary, tokens anywhere in each
    /// text field's buckets (some padding).
    /// </summary>
    public static (float[] Dense, long[] Ids) Candidates(RankerNetworkOptions options, int rows, int seed, int? denseWidth = null)
    {
        var random = new Random(seed);
        var dense = new float[rows * (denseWidth ?? options.DenseFeatures)];
        for (var i = 0; i < dense.Length; i++)
        {
            dense[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var width = options.IdWidth;
        var ids = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < options.Fields.Count; f++)
            {
                ids[(r * width) + f] = random.Next(options.Fields[f].Rows);
            }

            var slot = options.Fields.Count;
            foreach (var text in options.TextFields)
            {
                for (var t = 0; t < text.Tokens; t++)
                {
                    ids[(r * width) + slot + t] = random.Next(text.Rows);
                }

                slot += text.Tokens;
            }
        }

        return (dense, ids);
    }

    /// <summary>FLOPs of one default-network row: 2 per multiply-add of the crosses, MLP and heads.</summary>
    public static long DefaultFlopsPerRow => 2 * DefaultOptions().MultiplyAddsPerRow;

    public static long MlpFlopsPerRow
    {
        get
        {
            long total = 0, previous = MlpInput;
            foreach (var width in MlpLayers)
            {
                total += 2 * previous * width;
                previous = width;
            }

            return total;
        }
    }

    /// <summary>MLP 256-512-256-128-1 with ReLU between layers, He-initialised, input "x" [N, 256], output "y" [N, 1].</summary>
    public static byte[] MlpBaseline()
    {
        var random = new Random(2);
        var g = new OnnxGraphBuilder("mlp");
        var x = g.Input("x", DataType.Float, MlpInput);
        var previous = MlpInput;
        for (var i = 0; i < MlpLayers.Length; i++)
        {
            var layer = new DenseLayer(previous, MlpLayers[i]);
            layer.InitializeHe(random);
            var last = i == MlpLayers.Length - 1;
            var w = g.Floats("w", layer.Weights, layer.Outputs, layer.Inputs);
            var b = g.Floats("b", layer.Bias, layer.Outputs);
            x = last ? g.Gemm(x, w, b, "y") : g.Node("Relu", [g.Gemm(x, w, b)]);
            previous = MlpLayers[i];
        }

        g.Output("y", DataType.Float, 1);
        return g.ToModel("RecEngine.Benchmarks").ToByteArray();
    }
}
