using System.Globalization;
using Google.Protobuf;
using Onnx;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using DataType = Onnx.TensorProto.Types.DataType;

using RecEngine.Training.Network;
using RecEngine.Training.Datasets;
namespace RecEngine.Training.Export;

/// <summary>
/// Writes a <see cref="RankerNetwork"/> as one ONNX graph (opset 17) holding the whole scorer, so that serving
/// runs nothing else: the dense normaliser (Sub, Mul), per-field embedding lookups with the out-of-vocabulary
/// rule (Gather, GreaterOrEqual/Less/And/Where, Gather), Concat, the crosses (Gemm, Mul, Add), the MLP (Gemm,
/// Relu) and the heads (Gemm, Sigmoid for P(watch), Exp for watch time). With the fitted feature spec, the
/// numeric normalisation is in the graph too (<see cref="NumericTransformGraph"/>): the <c>dense</c> input is then
/// the spec's imputed raw values and missing flags, [N, <see cref="FittedFeatureSpec.RawWidth"/>].
/// </summary>
internal static class RankerOnnxExporter
{
    public const string Producer = "RecEngine";

    public static ModelProto Export(RankerNetwork network, FittedFeatureSpec? spec = null) => Export(new RankerEnsemble([network]), spec);

    /// <summary>
    /// The ensemble as one graph: the inputs and the numeric transforms once, each member's network on them, the mean
    /// of their logits (Sum, Mul by 1/K), then the heads' activations. One member gives the single network's graph.
    /// With <paramref name="watchSeconds"/> (which needs <paramref name="spec"/>: it reads the raw duration column),
    /// <c>watch_time</c> is P(watch) x E[seconds | watched] (Gather, Max, Log, Mul, Add, Exp, Mul), or with its
    /// <see cref="WatchSecondsGivenWatch.Satisfaction"/> P(watch) x ln(1 + E[seconds | watched] / 60), and the second
    /// head, trained beside the first, is not read; without it, <c>watch_time</c> is the second head's exp(logit).
    /// </summary>
    public static ModelProto Export(RankerEnsemble ensemble, FittedFeatureSpec? spec = null, WatchSecondsGivenWatch? watchSeconds = null)
    {
        var first = ensemble.Members[0];
        if (spec is not null && spec.DenseWidth != first.DenseFeatures)
        {
            throw new ArgumentException($"The spec gives {spec.DenseWidth} dense columns; the network takes {first.DenseFeatures}.", nameof(spec));
        }

        var durationColumn = -1;
        if (watchSeconds is not null)
        {
            durationColumn = spec?.Spec.Numeric.Select(n => n.Name).ToList().IndexOf(WatchSecondsGivenWatch.DurationFeature) ?? -1;
            if (durationColumn < 0)
            {
                throw new ArgumentException($"Watch seconds given a watch read the raw '{WatchSecondsGivenWatch.DurationFeature}' input: export them with the fitted feature spec that has it.", nameof(watchSeconds));
            }
        }

        var g = new OnnxGraphBuilder("ranker");
        var dense = g.Input(RankerModelContract.DenseInput, DataType.Float, spec?.RawWidth ?? first.DenseFeatures);
        var raw = dense;
        if (spec is not null)
        {
            dense = NumericTransformGraph.Append(g, dense, spec);
        }

        var ids = g.Input(RankerModelContract.CategoricalInput, DataType.Int64, first.IdWidth);
        var memberLogits = ensemble.Members.Select(network => Logits(g, network, dense, ids)).ToArray();
        var logits = memberLogits.Length == 1
            ? memberLogits[0]
            : g.Node("Mul", [g.Node("Sum", memberLogits), g.Floats("ensemble_mean", [1f / memberLogits.Length])]);
        var watchLogit = g.Node("Gather", [logits, g.Int64Scalar("watch_head", RankerNetwork.WatchHead)], null, OnnxGraphBuilder.IntAttribute("axis", 1));
        var pWatch = g.Node("Sigmoid", [watchLogit], RankerModelContract.WatchProbabilityOutput);
        if (watchSeconds is null)
        {
            var timeLogit = g.Node("Gather", [logits, g.Int64Scalar("time_head", RankerNetwork.WatchTimeHead)], null, OnnxGraphBuilder.IntAttribute("axis", 1));
            g.Node("Exp", [timeLogit], RankerModelContract.WatchTimeOutput);
        }
        else
        {
            // The imputed raw duration (a missing one is the fitted median, as every other input).
            var duration = g.Node("Gather", [raw, g.Int64Scalar("duration_column", durationColumn)], null, OnnxGraphBuilder.IntAttribute("axis", 1));
            var logDuration = g.Node("Log", [g.Node("Max", [duration, g.Floats("minimum_duration", [(float)WatchSecondsGivenWatch.MinimumDuration])])]);
            var logSeconds = g.Node("Add", [
                g.Node("Mul", [logDuration, g.Floats("duration_exponent", [(float)watchSeconds.DurationExponent])]),
                g.Floats("log_scale", [(float)watchSeconds.Intercept])]);
            var seconds = g.Node("Exp", [logSeconds]);
            // Expected satisfaction: ln(1 + minutes) of the expected watch (Log(1 + seconds / 60)).
            var value = watchSeconds.Satisfaction
                ? g.Node("Log", [g.Node("Add", [g.Node("Mul", [seconds, g.Floats("per_minute", [(float)(1 / WatchSecondsGivenWatch.SatisfactionSeconds)])]), g.Floats("one", [1f])])])
                : seconds;
            g.Node("Mul", [pWatch, value], RankerModelContract.WatchTimeOutput);
        }

        g.Output(RankerModelContract.WatchProbabilityOutput, DataType.Float);
        g.Output(RankerModelContract.WatchTimeOutput, DataType.Float);

        return g.ToModel(Producer, new Dictionary<string, string>
        {
            ["dense_features"] = first.DenseFeatures.ToString(CultureInfo.InvariantCulture),
            ["numeric_transforms_in_graph"] = spec is null ? "false" : "true",
            ["categorical_fields"] = string.Join(',', first.Options.Fields.Select(f => f.Name)),
            ["text_fields"] = string.Join(',', first.Options.TextFields.Select(t => $"{t.Name}:{t.Tokens}")),
            ["ensemble_members"] = ensemble.Members.Count.ToString(CultureInfo.InvariantCulture),
            ["watch_time"] = watchSeconds is null
                ? "exp(second head)"
                : watchSeconds.Satisfaction
                    ? string.Create(CultureInfo.InvariantCulture, $"p_watch x ln(1 + exp({watchSeconds.Intercept:0.####} + {watchSeconds.DurationExponent:0.####} ln(max(duration, 1))) / 60), fitted on {watchSeconds.Watches} watches")
                    : string.Create(CultureInfo.InvariantCulture, $"p_watch x exp({watchSeconds.Intercept:0.####} + {watchSeconds.DurationExponent:0.####} ln(max(duration, 1))), fitted on {watchSeconds.Watches} watches"),
        });
    }

    /// <summary>One network on the (transformed) dense input and the ids, up to its two logits, [N, 2].</summary>
    private static string Logits(OnnxGraphBuilder g, RankerNetwork network, string dense, string ids)
    {
        var parts = new List<string>();
        if (network.DenseFeatures > 0)
        {
            if (network.Normalizer is { } normalizer)
            {
                var centred = g.Node("Sub", [dense, g.Floats("dense_mean", normalizer.Mean, network.DenseFeatures)]);
                dense = g.Node("Mul", [centred, g.Floats("dense_scale", normalizer.Scale, network.DenseFeatures)]);
            }

            parts.Add(dense);
        }

        var zero = g.Int64Scalar("zero", 0);
        for (var f = 0; f < network.FieldCount; f++)
        {
            var table = network.Embeddings[f];
            var column = g.Node("Gather", [ids, g.Int64Scalar($"field{f}", f)], null, OnnxGraphBuilder.IntAttribute("axis", 1));
            var inRange = g.Node("And", [
                g.Node("GreaterOrEqual", [column, zero]),
                g.Node("Less", [column, g.Int64Scalar($"rows{f}", table.Rows)])]);
            var row = g.Node("Where", [inRange, column, g.Int64Scalar("oov", EmbeddingTable.OutOfVocabulary)]);
            var values = g.Floats($"embedding{f}", table.Values, table.Rows, table.Width);
            parts.Add(g.Node("Gather", [values, row], null, OnnxGraphBuilder.IntAttribute("axis", 0)));
        }

        var slot = (long)network.FieldCount;
        foreach (var bag in network.Bags)
        {
            parts.Add(TokenBag(g, ids, bag, slot));
            slot += bag.Tokens;
        }

        var x0 = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], null, OnnxGraphBuilder.IntAttribute("axis", 1));
        var x = x0;
        foreach (var cross in network.Crosses)
        {
            var u = Gemm(g, x, cross.Linear, "cross");
            x = g.Node("Add", [g.Node("Mul", [x0, u]), x]);
        }

        foreach (var layer in network.Hidden)
        {
            x = g.Node("Relu", [Gemm(g, x, layer, "hidden")]);
        }

        return Gemm(g, x, network.Head, "head");
    }

    public static byte[] ToBytes(RankerNetwork network, FittedFeatureSpec? spec = null) => Export(network, spec).ToByteArray();

    public static byte[] ToBytes(RankerEnsemble ensemble, FittedFeatureSpec? spec = null, WatchSecondsGivenWatch? watchSeconds = null) => Export(ensemble, spec, watchSeconds).ToByteArray();

    public static void Save(RankerNetwork network, string path) => Save(network, null, path);

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so readers never see half a model.</summary>
    public static void Save(RankerNetwork network, FittedFeatureSpec? spec, string path) => Save(new RankerEnsemble([network]), spec, path);

    /// <summary>Writes the model to <paramref name="path"/> through a temporary file, so readers never see half a model.</summary>
    public static void Save(RankerEnsemble ensemble, FittedFeatureSpec? spec, string path, WatchSecondsGivenWatch? watchSeconds = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, ToBytes(ensemble, spec, watchSeconds));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The mean of the valid token embeddings: the slots' ids (Gather), valid = 0 &lt; id &lt; rows, invalid ones
    /// looked up at the zeroed row 0 (Where, Gather), summed over the slots (ReduceSum) and divided by
    /// max(count, 1) (Cast, ReduceSum, Max, Div), as <see cref="TokenBagEmbedding.Forward"/> does.
    /// </summary>
    private static string TokenBag(OnnxGraphBuilder g, string ids, TokenBagEmbedding bag, long firstSlot)
    {
        var slots = g.Node("Gather", [ids, g.Int64s("token_slots", [.. Enumerable.Range(0, bag.Tokens).Select(t => firstSlot + t)])], null, OnnxGraphBuilder.IntAttribute("axis", 1));
        var valid = g.Node("And", [
            g.Node("Greater", [slots, g.Int64Scalar("pad", 0)]),
            g.Node("Less", [slots, g.Int64Scalar("token_rows", bag.Table.Rows)])]);
        var rows = g.Node("Where", [valid, slots, g.Int64Scalar("pad_row", 0)]);
        // Row 0 (padding) is exported as zeros, so invalid slots add nothing to the sum and no mask multiply is
        // needed (measured: the broadcast Mul was a large part of the bags' cost); training never reads row 0.
        var table = bag.Table.Values.ToArray();
        Array.Clear(table, 0, bag.Width);
        var vectors = g.Node("Gather", [g.Floats($"tokens_{bag.Field.Name}", table, bag.Table.Rows, bag.Width), rows], null, OnnxGraphBuilder.IntAttribute("axis", 0));
        var sum = g.Node("ReduceSum", [vectors, g.Int64s("axes", 1)], null, OnnxGraphBuilder.IntAttribute("keepdims", 0));
        var mask = g.Node("Cast", [valid], null, OnnxGraphBuilder.IntAttribute("to", (long)DataType.Float));
        var count = g.Node("ReduceSum", [mask, g.Int64s("axes", 1)], null, OnnxGraphBuilder.IntAttribute("keepdims", 1));
        return g.Node("Div", [sum, g.Node("Max", [count, g.Floats("one", [1f])])]);
    }

    private static string Gemm(OnnxGraphBuilder g, string x, DenseLayer layer, string name) =>
        g.Gemm(x, g.Floats($"{name}_w", layer.Weights, layer.Outputs, layer.Inputs), g.Floats($"{name}_b", layer.Bias, layer.Outputs));
}
