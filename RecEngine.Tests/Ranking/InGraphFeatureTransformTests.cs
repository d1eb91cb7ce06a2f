using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Tests.Training;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Tests.Ranking;

/// <summary>
/// The exported graph with the feature spec inside: it takes imputed raw values and must score exactly as the
/// training path, which normalises in C# (log1p, standardisation, quantile CDF with q² and √q) and then runs the
/// network's forward pass.
/// </summary>
public sealed class InGraphFeatureTransformTests
{
    private static readonly FeatureSpec Spec = new(
        [
            new NumericFeature("dot", NumericTransform.Standardize),
            new NumericFeature("watches", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("duration", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("seconds", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("share", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("count", NumericTransform.Quantile, NonNegative: true),
            new NumericFeature("never_seen", NumericTransform.Quantile, NonNegative: true),
        ],
        [new CategoricalFeature("category"), new CategoricalFeature("device")],
        []);

    /// <summary>Continuous, heavy-tailed and discrete values (ties on the quantile edges), and bad ones.</summary>
    private static double[] RawRow(Random random, bool bad)
    {
        var row = new[]
        {
            random.NextDouble() * 4 - 2,
            Math.Floor(Math.Exp(random.NextDouble() * 8)),
            Math.Exp(random.NextDouble() * 9),
            random.NextDouble() * 1e5,
            random.NextDouble(),
            random.Next(0, 6),
            double.NaN,
        };
        if (bad)
        {
            row[random.Next(row.Length - 1)] = random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => -5 };
        }

        return row;
    }

    private static (FittedFeatureSpec Spec, RankerNetwork Network) Model(int seed = 42)
    {
        var random = new Random(41);
        var rows = Enumerable.Range(0, 3000).Select(i => new FeatureRow(RawRow(random, i % 10 == 0), [i % 3 == 0 ? "a" : "b", "tv"], []));
        var fitted = FittedFeatureSpec.Fit(Spec, rows);
        var network = new RankerNetwork(new RankerNetworkOptions
        {
            DenseFeatures = fitted.DenseWidth,
            Fields = [new CategoricalField("category", 3), new CategoricalField("device", 2)],
            HiddenLayers = [32, 16],
        }, seed);
        foreach (var layer in network.Hidden.Append(network.Head))
        {
            GradientCheck.Random(random, layer.Bias.Length, 0.3f).CopyTo(layer.Bias, 0);
        }

        return (fitted, network);
    }

    /// <summary>Rows as the graph takes them (imputed raw values) and as the C# network does (transformed), and their ids.</summary>
    private static (float[] Imputed, float[] Dense, long[] Ids) Inputs(FittedFeatureSpec spec, int rows, int seed)
    {
        var random = new Random(seed);
        var imputed = new float[rows * spec.RawWidth];
        var dense = new float[rows * spec.DenseWidth];
        var ids = new long[rows * 2];
        for (var r = 0; r < rows; r++)
        {
            spec.ImputeNumeric(RawRow(random, r % 7 == 0), imputed.AsSpan(r * spec.RawWidth, spec.RawWidth));
            spec.TransformImputed(imputed.AsSpan(r * spec.RawWidth, spec.RawWidth), dense.AsSpan(r * spec.DenseWidth, spec.DenseWidth));
            ids[2 * r] = random.Next(0, 4);
            ids[(2 * r) + 1] = random.Next(0, 3);
        }

        return (imputed, dense, ids);
    }

    [Fact]
    public void Onnx_runtime_on_imputed_raw_values_equals_the_training_path_on_1000_rows()
    {
        const int Rows = 1000;
        var (spec, network) = Model();
        var (imputed, dense, ids) = Inputs(spec, Rows, seed: 43);

        var expectedP = new float[Rows];
        var expectedT = new float[Rows];
        network.Predict(dense, ids, Rows, expectedP, expectedT);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(network, spec), "v1", new OnnxRankerOptions(), spec.RawWidth, 2);
        var p = new float[Rows];
        var t = new float[Rows];
        ranker.Score(imputed, ids, Rows, p, t);

        Assert.True(expectedP.Distinct().Count() > Rows / 2, "The network's scores hardly vary: the parity would prove little.");
        for (var i = 0; i < Rows; i++)
        {
            Assert.True(Math.Abs(p[i] - expectedP[i]) <= 1e-4, $"Row {i}: ONNX p_watch {p[i]} vs C# {expectedP[i]}.");
            Assert.True(Math.Abs(t[i] - expectedT[i]) <= 1e-4 * Math.Max(1, expectedT[i]), $"Row {i}: ONNX watch_time {t[i]} vs C# {expectedT[i]}.");
        }
    }

    [Fact]
    public void An_ensemble_exports_as_one_graph_that_scores_the_mean_of_its_networks_logits()
    {
        const int Rows = 500;
        var (spec, first) = Model(42);
        var second = Model(43).Network;
        var third = Model(44).Network;
        var ensemble = new RankerEnsemble([first, second, third]);
        var (imputed, dense, ids) = Inputs(spec, Rows, seed: 45);

        // The C# ensemble is the mean of the members' logits, computed here from each member alone.
        var logits = new float[3][];
        foreach (var (network, m) in new[] { first, second, third }.Select((n, m) => (n, m)))
        {
            var pm = new float[Rows];
            var tm = new float[Rows];
            network.Predict(dense, ids, Rows, pm, tm);
            logits[m] = [.. pm.Select((pw, i) => (float)Math.Log(pw / (1 - pw)))];
        }

        var expectedP = new float[Rows];
        var expectedT = new float[Rows];
        ensemble.Predict(dense, ids, Rows, expectedP, expectedT);
        using var ranker = OnnxRanker.Load(RankerOnnxExporter.ToBytes(ensemble, spec), "v1", new OnnxRankerOptions(), spec.RawWidth, 2);
        var p = new float[Rows];
        var t = new float[Rows];
        ranker.Score(imputed, ids, Rows, p, t);

        var differsFromFirst = 0;
        for (var i = 0; i < Rows; i++)
        {
            var mean = (logits[0][i] + logits[1][i] + logits[2][i]) / 3;
            Assert.True(Math.Abs(Math.Log(expectedP[i] / (1 - expectedP[i])) - mean) <= 1e-3, $"Row {i}: ensemble logit vs the members' mean {mean}.");
            Assert.True(Math.Abs(p[i] - expectedP[i]) <= 1e-4, $"Row {i}: ONNX p_watch {p[i]} vs C# {expectedP[i]}.");
            Assert.True(Math.Abs(t[i] - expectedT[i]) <= 1e-4 * Math.Max(1, expectedT[i]), $"Row {i}: ONNX watch_time {t[i]} vs C# {expectedT[i]}.");
            differsFromFirst += Math.Abs(mean - logits[0][i]) > 1e-2 ? 1 : 0;
        }

        Assert.True(differsFromFirst > Rows / 2, $"Only {differsFromFirst} rows differ from the first network: the members hardly differ.");
    }

    [Fact]
    public void Networks_that_take_different_inputs_are_no_ensemble()
    {
        var (spec, network) = Model();
        var other = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = spec.DenseWidth + 1, Fields = [], HiddenLayers = [4] }, seed: 1);
        Assert.Throws<ArgumentException>(() => new RankerEnsemble([network, other]));
        Assert.Throws<ArgumentException>(() => new RankerEnsemble([]));
    }

    [Fact]
    public void Exported_graph_holds_the_numeric_transforms_and_takes_raw_width()
    {
        var (spec, network) = Model();
        var ops = RankerOnnxExporter.Export(network, spec).Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Superset(new HashSet<string> { "Log", "Max", "Sub", "Mul", "Sign", "ReduceSum", "Sqrt", "Unsqueeze" }, ops);
        Assert.Equal(2 * Spec.Numeric.Count, spec.RawWidth);
    }

    [Fact]
    public void A_spec_of_another_width_than_the_network_is_refused()
    {
        var (spec, _) = Model();
        var other = new RankerNetwork(new RankerNetworkOptions { DenseFeatures = spec.DenseWidth + 1, Fields = [], HiddenLayers = [4] }, seed: 1);
        Assert.Throws<ArgumentException>(() => RankerOnnxExporter.Export(other, spec));
    }
}
