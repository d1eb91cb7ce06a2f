using Google.Protobuf;
using RecEngine.Ranking;
using RecEngine.Training;
using DataType = Onnx.TensorProto.Types.DataType;

namespace RecEngine.Benchmarks.Ranking;

/// <summary>The models the ranking benchmarks score: the default ranker and the raw MLP baseline of issue 4.</summary>
internal static class RankingModels
{
    public const int MlpInput = 256;
    public static readonly int[] MlpLayers = [512, 256, 128, 1];

    /// <summary>
    /// The default network (crosses 2, MLP 256-128-64) over a plausible input: 32 dense features and six
    /// hashed fields (user, video, creator, category, device, hour), widths from log2 of their cardinality.
    /// </summary>
    public static RankerNetworkOptions DefaultOptions() => new()
    {
        DenseFeatures = 32,
        Fields =
        [
            new CategoricalField("user", 100_000), new CategoricalField("video", 100_000), new CategoricalField("creator", 10_000),
            new CategoricalField("category", 50), new CategoricalField("device", 6), new CategoricalField("hour", 24),
        ],
    };

    public static RankerNetwork DefaultNetwork() => new(DefaultOptions(), seed: 1);

    public static OnnxRanker DefaultRanker(int intraOpThreads = 1) =>
        OnnxRanker.Load(RankerOnnxExporter.ToBytes(DefaultNetwork()), "bench", new OnnxRankerOptions { IntraOpThreads = intraOpThreads });

    /// <summary>Random candidates: dense values in [-1, 1], ids anywhere in each field's vocabulary.</summary>
    public static (float[] Dense, long[] Ids) Candidates(RankerNetworkOptions options, int rows, int seed)
    {
        var random = new Random(seed);
        var dense = new float[rows * options.DenseFeatures];
        for (var i = 0; i < dense.Length; i++)
        {
            dense[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var ids = new long[rows * options.Fields.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = random.Next(options.Fields[i % options.Fields.Count].Rows);
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
