using RecEngine.Features.Spec;
using DataType = Onnx.TensorProto.Types.DataType;

using RecEngine.Training.Network;
using RecEngine.Training.Datasets;
namespace RecEngine.Training.Export;

/// <summary>
/// The numeric normalisation of a <see cref="FittedFeatureSpec"/> as ONNX nodes, so the graph takes imputed raw
/// values and serving computes no transform: standardisation (Sub, Mul), log1p (Max, Add, Log, Sub, Mul), and
/// the quantile CDF with its q² and √q companions (Covington et al. 2016, section 4.2). The CDF is the mid-rank
/// step function over the fitted edges, (#edges ≤ x + #edges &lt; x) / (2 #edges), computed by broadcasting the
/// values against the edges as Σ (sign(x - e) + 1) (Sub, Sign, ReduceSum): exactly
/// <see cref="FittedFeatureSpec.Cdf"/>, compared in single precision on both sides.
/// </summary>
internal static class NumericTransformGraph
{
    /// <summary>Appends the nodes; <paramref name="imputed"/> is [N, RawWidth]; returns the [N, DenseWidth] dense columns in the spec's layout.</summary>
    public static string Append(OnnxGraphBuilder g, string imputed, FittedFeatureSpec spec)
    {
        var n = spec.Numeric.Length;
        var features = spec.Spec.Numeric;
        var parts = new List<string>();
        // Column of each part's outputs in the concatenation, per (feature, slot), to permute into the spec's layout.
        var columnOf = new Dictionary<(int Feature, int Slot), int>();
        var width = 0;

        void Place(IReadOnlyList<int> group, int slot)
        {
            foreach (var i in group)
            {
                columnOf[(i, slot)] = width++;
            }
        }

        var standardized = Group(features, NumericTransform.Standardize);
        if (standardized.Count > 0)
        {
            var x = Columns(g, imputed, standardized);
            parts.Add(Affine(g, x, standardized, spec));
            Place(standardized, 0);
        }

        var logged = Group(features, NumericTransform.Log1p);
        if (logged.Count > 0)
        {
            var x = Columns(g, imputed, logged);
            var log = g.Node("Log", [g.Node("Add", [g.Node("Max", [x, g.Floats("zero", [0f])]), g.Floats("one", [1f])])]);
            parts.Add(Affine(g, log, logged, spec));
            Place(logged, 0);
        }

        var quantiles = Group(features, NumericTransform.Quantile);
        if (quantiles.Count > 0)
        {
            var (q, squared, root) = Quantiles(g, Columns(g, imputed, quantiles), quantiles, spec);
            parts.AddRange([q, squared, root]);
            Place(quantiles, 0);
            Place(quantiles, 1);
            Place(quantiles, 2);
        }

        parts.Add(Columns(g, imputed, [.. Enumerable.Range(n, n)]));
        Place([.. Enumerable.Range(0, n)], -1);

        var all = parts.Count == 1 ? parts[0] : g.Node("Concat", [.. parts], null, OnnxGraphBuilder.IntAttribute("axis", 1));
        var order = new List<long>(spec.DenseWidth);
        for (var i = 0; i < n; i++)
        {
            var values = features[i].Width - 1;
            for (var slot = 0; slot < values; slot++)
            {
                order.Add(columnOf[(i, slot)]);
            }

            order.Add(columnOf[(i, -1)]);
        }

        return g.Node("Gather", [all, g.Int64s("layout", [.. order])], null, OnnxGraphBuilder.IntAttribute("axis", 1));
    }

    private static List<int> Group(IReadOnlyList<NumericFeature> features, NumericTransform transform) =>
        [.. Enumerable.Range(0, features.Count).Where(i => features[i].Transform == transform)];

    private static string Columns(OnnxGraphBuilder g, string input, IReadOnlyList<int> columns) =>
        g.Node("Gather", [input, g.Int64s("columns", [.. columns.Select(c => (long)c)])], null, OnnxGraphBuilder.IntAttribute("axis", 1));

    /// <summary>(x - mean) * (1 / std) with the fitted moments of each column's feature.</summary>
    private static string Affine(OnnxGraphBuilder g, string x, IReadOnlyList<int> group, FittedFeatureSpec spec)
    {
        var mean = group.Select(i => (float)spec.Numeric[i].Mean).ToArray();
        var scale = group.Select(i => (float)(1 / spec.Numeric[i].Std)).ToArray();
        return g.Node("Mul", [g.Node("Sub", [x, g.Floats("mean", mean, group.Count)]), g.Floats("scale", scale, group.Count)]);
    }

    private static (string Q, string Squared, string Root) Quantiles(OnnxGraphBuilder g, string x, IReadOnlyList<int> group, FittedFeatureSpec spec)
    {
        // Features fitted on no values have no edges; +inf pads every group to one width (each pad adds sign -1, cancelled
        // below), and the divisor (any positive number then) keeps q at 0 as Cdf returns.
        var edges = Math.Max(1, group.Max(i => spec.Numeric[i].QuantileEdges.Length));
        var grid = new float[group.Count * edges];
        var inverse = new float[group.Count];
        var counts = new float[group.Count];
        for (var k = 0; k < group.Count; k++)
        {
            var fitted = spec.Numeric[group[k]].QuantileEdges;
            for (var e = 0; e < edges; e++)
            {
                grid[(k * edges) + e] = e < fitted.Length ? (float)fitted[e] : float.PositiveInfinity;
            }

            inverse[k] = 1f / (2f * Math.Max(1, fitted.Length));
            // Padded +inf edges give sign -1: adding the padded count too cancels them, leaving #real edges.
            counts[k] = edges;
        }

        var column = g.Node("Unsqueeze", [x, g.Int64s("axes", 2)]);
        var cuts = g.Floats("quantile_edges", grid, group.Count, edges);
        // #edges ≤ x + #edges < x = Σ (sign(x - e) + 1): three broadcast ops instead of two compares, two casts and
        // an add (measured: the compare form cost about as much as the whole MLP at 500 rows). x - e is 0 only when
        // x = e in IEEE arithmetic with gradual underflow, and ±inf keeps its sign, so the step is the same.
        var signs = g.Node("ReduceSum", [g.Node("Sign", [g.Node("Sub", [column, cuts])]), g.Int64s("axes", 2)], null, OnnxGraphBuilder.IntAttribute("keepdims", 0));
        var q = g.Node("Mul", [g.Node("Add", [signs, g.Floats("edge_count", counts, group.Count)]), g.Floats("inverse_count", inverse, group.Count)]);
        return (q, g.Node("Mul", [q, q]), g.Node("Sqrt", [q]));
    }
}
