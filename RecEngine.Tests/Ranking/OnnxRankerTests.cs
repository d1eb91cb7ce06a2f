using Google.Protobuf;
using RecEngine.Ranking;
using RecEngine.Tests.Training;
using RecEngine.Training;
using DataType = Onnx.TensorProto.Types.DataType;

using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Tests.Ranking;

public sealed class OnnxRankerTests
{
    private static readonly OnnxRankerOptions Options = new();

    private static RankerNetwork Network()
    {
        var network = new RankerNetwork(new RankerNetworkOptions
        {
            DenseFeatures = 8,
            Fields = [new CategoricalField("video", 1000), new CategoricalField("creator", 50), new CategoricalField("device", 6)],
            TextFields = [new TextField("title", 500, Tokens: 6), new TextField("tags", 60, Tokens: 4, Width: 4)],
            CrossLayers = 2,
            HiddenLayers = [64, 32, 16],
        }, seed: 31);
        var random = new Random(32);
        network.Normalizer = new DenseNormalizer(GradientCheck.Random(random, 8), [.. GradientCheck.Random(random, 8).Select(v => 0.5f + MathF.Abs(v))]);
        // Non-zero biases, so the parity covers them too.
        foreach (var layer in network.Hidden.Append(network.Head).Concat(network.Crosses.Select(c => c.Linear)))
        {
            GradientCheck.Random(random, layer.Bias.Length, 0.3f).CopyTo(layer.Bias, 0);
        }

        return network;
    }

    [Fact]
    public void Onnx_runtime_scores_equal_the_training_forward_pass_on_1000_rows()
    {
        const int Rows = 1000;
        var network = Network();
        var data = TinyRanker.RandomExamples(network, Rows, seed: 33);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(network), "v1", Options, denseFeatures: 8, fields: network.IdWidth);

        var expectedP = new float[Rows];
        var expectedT = new float[Rows];
        network.Predict(data.Dense, data.Categorical, Rows, expectedP, expectedT);
        var p = new float[Rows];
        var t = new float[Rows];
        ranker.Score(data.Dense, data.Categorical, Rows, p, t);

        Assert.True(expectedP.Distinct().Count() > Rows / 2, "The network's scores hardly vary: the parity would prove little.");
        for (var i = 0; i < Rows; i++)
        {
            Assert.True(Math.Abs(p[i] - expectedP[i]) <= 1e-4, $"Row {i}: ONNX p_watch {p[i]} vs C# {expectedP[i]}.");
            Assert.True(Math.Abs(t[i] - expectedT[i]) <= 1e-4 * Math.Max(1, expectedT[i]), $"Row {i}: ONNX watch_time {t[i]} vs C# {expectedT[i]}.");
        }
    }

    [Fact]
    public void Exported_graph_holds_the_whole_scorer()
    {
        var model = RankerOnnxExporter.Export(Network());
        var ops = model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Superset(new HashSet<string> { "Sub", "Mul", "Gather", "Where", "Concat", "Gemm", "Add", "Relu", "Sigmoid", "Exp", "ReduceSum", "Div" }, ops);
        Assert.Equal(17, model.OpsetImport.Single().Version);
        Assert.Equal([RankerModelContract.DenseInput, RankerModelContract.CategoricalInput], model.Graph.Input.Select(i => i.Name));
        Assert.Equal([RankerModelContract.WatchProbabilityOutput, RankerModelContract.WatchTimeOutput], model.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void Concurrent_scoring_gives_the_same_scores_as_sequential()
    {
        const int Rows = 200;
        var network = Network();
        var data = TinyRanker.RandomExamples(network, Rows, seed: 34);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(network), "v1", Options);
        var expected = new float[Rows];
        ranker.Score(data.Dense, data.Categorical, Rows, expected, new float[Rows]);

        Parallel.For(0, 16, i =>
        {
            var rows = Rows - i * 7;
            var p = new float[rows];
            ranker.Score(data.Dense, data.Categorical, rows, p, new float[rows]);
            Assert.Equal(expected.AsSpan(0, rows).ToArray(), p);
        });
    }

    [Fact]
    public void Saved_model_file_loads_from_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ranker-{Guid.NewGuid():N}.onnx");
        try
        {
            RankerOnnxExporter.Save(Network(), path);
            using var ranker = OnnxRanker.Load(path, "v2", Options);
            Assert.Equal((8, 3 + 6 + 4, "v2"), (ranker.DenseFeatures, ranker.Fields, ranker.Version));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Garbage_bytes_are_rejected_with_a_clear_error()
    {
        var garbage = new byte[512];
        new Random(1).NextBytes(garbage);
        var error = Assert.Throws<RankerModelException>(() => OnnxRanker.Load(garbage, "bad", Options));
        Assert.Contains("is not a valid ONNX model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_rejected_with_a_clear_error()
    {
        var error = Assert.Throws<RankerModelException>(() => OnnxRanker.Load("/nonexistent/ranker.onnx", "x", Options));
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_onnx_with_wrong_input_names_is_rejected()
    {
        var g = new OnnxGraphBuilder("other");
        var x = g.Input("features", DataType.Float, 4);
        g.Node("Sigmoid", [g.Node("ReduceSum", [x])], RankerModelContract.WatchProbabilityOutput);
        g.Output(RankerModelContract.WatchProbabilityOutput, DataType.Float, 1);
        var error = Assert.Throws<RankerModelException>(() => OnnxRanker.Load(g.ToModel("test").ToByteArray(), "wrong", Options));
        Assert.Contains("input 'dense' (float[N, k]) is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("output 'watch_time' is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("features: float[N, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranker_model_with_other_widths_than_expected_is_rejected()
    {
        var bytes = RankerOnnxExporter.ToBytes(Network());
        var error = Assert.Throws<RankerModelException>(() => OnnxRanker.Load(bytes, "v1", Options, denseFeatures: 12, fields: 13));
        Assert.Contains("input 'dense' is float[N, 8], expected float[N, 12]", error.Message, StringComparison.Ordinal);
    }
}
