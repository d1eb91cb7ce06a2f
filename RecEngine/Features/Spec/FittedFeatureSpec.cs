using System.Text.Json;
using System.Text.Json.Serialization;

namespace RecEngine.Features.Spec;

/// <summary>
/// Statistics fitted for one numeric feature (raw space for the median and edges, transformed space for mean/std).
/// <paramref name="Constant"/>: every value seen in training was the same, or (<paramref name="Observed"/> false) none
/// was usable. The network learned nothing from such a feature, so serving feeds it what training did instead of
/// values it never saw (a model trained on ratings without impressions, say, meets impression counts once its own
/// slates are logged).
/// </summary>
internal sealed record NumericStats(double Median, double Mean, double Std, double[] QuantileEdges, bool Constant = false, bool Observed = true);

/// <summary>
/// Vocabulary of one categorical feature: the sorted hashes of the values kept, and its bucket count (ids
/// 1..Buckets-1, 0 for missing or out of vocabulary). The embedding width is the network's choice.
/// </summary>
internal sealed record CategoricalStats(int Buckets, ulong[] Vocabulary);

/// <summary>
/// A <see cref="FeatureSpec"/> with statistics fitted on a training window. It turns raw values into the
/// ranker's inputs the same way in training and in serving, and is saved with each model version.
/// Numeric layout per feature: Standardize/Log1p give [value, missing]; Quantile gives [q, q², √q, missing].
/// </summary>
internal sealed class FittedFeatureSpec
{
    public const int QuantileBins = 32;

    [JsonConstructor]
    public FittedFeatureSpec(FeatureSpec spec, NumericStats[] numeric, CategoricalStats[] categorical)
    {
        Spec = spec;
        Numeric = numeric;
        Categorical = categorical;
        Quality = new FeatureQuality(numeric.Length, categorical.Length);
    }

    public FeatureSpec Spec { get; }

    public NumericStats[] Numeric { get; }

    public CategoricalStats[] Categorical { get; }

    [JsonIgnore]
    public FeatureQuality Quality { get; }

    public int DenseWidth => Spec.DenseWidth;

    public int TokenWidth => Spec.Text.Sum(t => t.MaxTokens);

    /// <summary>Ids per row of the model's id input: one per categorical field, then every text field's token slots.</summary>
    public int IdWidth => Categorical.Length + TokenWidth;

    /// <summary>Writes one row's ids (length <see cref="IdWidth"/>): categorical ids, then each text's padded token ids.</summary>
    public void Ids(ReadOnlySpan<string?> categorical, ReadOnlySpan<string?> text, Span<long> ids)
    {
        for (var c = 0; c < Categorical.Length; c++)
        {
            ids[c] = CategoricalId(c, categorical[c]);
        }

        var slot = Categorical.Length;
        for (var t = 0; t < Spec.Text.Count; t++)
        {
            TextIds(t, t < text.Length ? text[t] : null, ids[slot..]);
            slot += Spec.Text[t].MaxTokens;
        }
    }

    /// <summary>Fits medians, moments, quantile edges and vocabularies. Numeric statistics use at most <paramref name="sample"/> values per feature.</summary>
    public static FittedFeatureSpec Fit(FeatureSpec spec, IEnumerable<FeatureRow> rows, int sample = 200_000, int seed = 17)
    {
        var values = spec.Numeric.Select(_ => new List<double>()).ToArray();
        var seen = new long[spec.Numeric.Count];
        var counts = spec.Categorical.Select(_ => new Dictionary<ulong, long>()).ToArray();
        var rng = new Random(seed);
        foreach (var row in rows)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var x = row.Numeric[i];
                if (!IsUsable(spec.Numeric[i], x))
                {
                    continue;
                }

                // Reservoir sampling (Vitter's algorithm R) keeps a uniform sample of a window of any size.
                var n = ++seen[i];
                if (values[i].Count < sample)
                {
                    values[i].Add(x);
                }
                else if (rng.NextInt64(n) is var j && j < sample)
                {
                    values[i][(int)j] = x;
                }
            }

            for (var c = 0; c < counts.Length; c++)
            {
                if (row.Categorical[c] is { } value)
                {
                    var h = FeatureHashing.Fnv1a64(value);
                    counts[c][h] = counts[c].GetValueOrDefault(h) + 1;
                }
            }
        }

        var numeric = spec.Numeric.Select((f, i) => FitNumeric(f, values[i])).ToArray();
        var categorical = spec.Categorical.Select((f, c) => FitCategorical(f, counts[c])).ToArray();
        return new FittedFeatureSpec(spec, numeric, categorical);
    }

    /// <summary>
    /// Width of the model's numeric input: each feature's imputed raw value, then each feature's missing flag.
    /// The ONNX graph normalises these itself (log1p, standardisation, quantiles), so serving only imputes.
    /// </summary>
    public int RawWidth => 2 * Numeric.Length;

    /// <summary>
    /// Writes the model input of one row into <paramref name="imputed"/> (length <see cref="RawWidth"/>):
    /// values, with bad ones (missing, non-finite, negative where only non-negative makes sense) replaced by
    /// the fitted median and counted, then the missing flags.
    /// </summary>
    public void ImputeNumeric(ReadOnlySpan<double> raw, Span<float> imputed)
    {
        var n = Numeric.Length;
        for (var i = 0; i < n; i++)
        {
            var x = raw[i];
            var missing = 0f;
            var stats = Numeric[i];
            if (!IsUsable(Spec.Numeric[i], x) || !stats.Observed)
            {
                if (stats.Observed)
                {
                    CountBad(i, Spec.Numeric[i], x);
                }

                x = stats.Median;
                missing = 1f;
            }
            else if (stats.Constant)
            {
                x = stats.Median;
            }

            imputed[i] = (float)x;
            imputed[n + i] = missing;
        }
    }

    /// <summary>Writes the dense columns of one row into <paramref name="dense"/> (length <see cref="DenseWidth"/>).</summary>
    public void TransformNumeric(ReadOnlySpan<double> raw, Span<float> dense)
    {
        Span<float> imputed = stackalloc float[RawWidth];
        ImputeNumeric(raw, imputed);
        TransformImputed(imputed, dense);
    }

    /// <summary>
    /// The normalisation the ONNX graph repeats: from <see cref="ImputeNumeric"/>'s output (float, as the graph
    /// receives it) to the dense columns. Layout per feature: Standardize/Log1p give [value, missing]; Quantile
    /// gives [q, q², √q, missing].
    /// </summary>
    public void TransformImputed(ReadOnlySpan<float> imputed, Span<float> dense)
    {
        var n = Numeric.Length;
        var o = 0;
        for (var i = 0; i < n; i++)
        {
            var stats = Numeric[i];
            double x = imputed[i];
            switch (Spec.Numeric[i].Transform)
            {
                case NumericTransform.Standardize:
                    dense[o++] = (float)((x - stats.Mean) / stats.Std);
                    break;
                case NumericTransform.Log1p:
                    dense[o++] = (float)((Math.Log(1 + Math.Max(x, 0)) - stats.Mean) / stats.Std);
                    break;
                default:
                    var q = Cdf(stats.QuantileEdges, x);
                    dense[o++] = (float)q;
                    dense[o++] = (float)(q * q);
                    dense[o++] = (float)Math.Sqrt(q);
                    break;
            }

            dense[o++] = imputed[n + i];
        }
    }

    /// <summary>The embedding row of a categorical value: 0 when missing or never seen in training.</summary>
    public long CategoricalId(int field, string? value)
    {
        if (value is null)
        {
            Quality.CountMissingCategorical(field);
            return 0;
        }

        var stats = Categorical[field];
        var h = FeatureHashing.Fnv1a64(value);
        if (Array.BinarySearch(stats.Vocabulary, h) < 0)
        {
            Quality.CountUnseen(field);
            return 0;
        }

        return FeatureHashing.Bucket(h, stats.Buckets);
    }

    /// <summary>Hashed token ids of a text, padded with 0 to the field's <see cref="TextFeature.MaxTokens"/>.</summary>
    public void TextIds(int field, string? text, Span<long> ids)
    {
        var feature = Spec.Text[field];
        ids[..feature.MaxTokens].Clear();
        var t = 0;
        foreach (var token in FeatureHashing.Tokens(text, feature.MaxTokens))
        {
            ids[t++] = FeatureHashing.Bucket(FeatureHashing.Fnv1a64(token), feature.Buckets);
        }
    }

    /// <summary>
    /// The empirical CDF on the fitted grid, mid-rank for ties: (#edges &lt;= x + #edges &lt; x) / 2 / #edges.
    /// Counts of discrete values repeat edges, and the mid-rank keeps such values in the middle of their step.
    /// Compared in single precision, as the ONNX graph compares, so both sides put a value in the same step.
    /// </summary>
    public static double Cdf(double[] edges, double x)
    {
        if (edges.Length == 0)
        {
            return 0;
        }

        var count = 0;
        var xf = (float)x;
        foreach (var e in edges)
        {
            var ef = (float)e;
            count += (xf >= ef ? 1 : 0) + (xf > ef ? 1 : 0);
        }

        return count / (2.0 * edges.Length);
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static FittedFeatureSpec Load(string path) =>
        JsonSerializer.Deserialize<FittedFeatureSpec>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path} holds no feature statistics.");

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Finite in single precision (the model's input type: a double beyond float's range would reach the graph as infinity), and not negative where only non-negative makes sense.</summary>
    private static bool IsUsable(NumericFeature feature, double x) => IsFiniteFloat(x) && !(feature.NonNegative && x < 0);

    private static bool IsFiniteFloat(double x) => double.IsFinite(x) && Math.Abs(x) <= float.MaxValue;

    private void CountBad(int i, NumericFeature feature, double x)
    {
        if (double.IsNaN(x))
        {
            Quality.CountMissingNumeric(i);
        }
        else if (!IsFiniteFloat(x))
        {
            Quality.CountNonFinite(i);
        }
        else if (feature.NonNegative && x < 0)
        {
            Quality.CountNegative(i);
        }
    }

    private static NumericStats FitNumeric(NumericFeature feature, List<double> values)
    {
        if (values.Count == 0)
        {
            return new NumericStats(0, 0, 1, [], Constant: true, Observed: false);
        }

        values.Sort();
        var median = values[values.Count / 2];
        var transformed = feature.Transform == NumericTransform.Log1p ? values.Select(x => Math.Log(1 + Math.Max(x, 0))) : values;
        double mean = 0, m2 = 0;
        long n = 0;
        foreach (var x in transformed)
        {
            // Welford's online variance.
            n++;
            var d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
        }

        var std = Math.Sqrt(m2 / Math.Max(1, n - 1));
        var edges = new double[QuantileBins - 1];
        for (var b = 1; b < QuantileBins; b++)
        {
            edges[b - 1] = values[(int)((long)b * (values.Count - 1) / QuantileBins)];
        }

        return new NumericStats(median, mean, std > 1e-12 ? std : 1, edges, Constant: values[0] == values[^1]);
    }

    private static CategoricalStats FitCategorical(CategoricalFeature feature, Dictionary<ulong, long> counts)
    {
        var vocabulary = counts.Where(kv => kv.Value >= feature.MinCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
            .Take(feature.MaxBuckets - 1)
            .Select(kv => kv.Key).Order().ToArray();
        // Twice the vocabulary keeps hash collisions rare; never more than the feature allows.
        var buckets = (int)Math.Clamp(2L * vocabulary.Length + 1, 2, feature.MaxBuckets);
        return new CategoricalStats(buckets, vocabulary);
    }
}
