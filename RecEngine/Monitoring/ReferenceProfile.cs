using System.Text.Json;
using System.Text.Json.Serialization;
using RecEngine.Hosting;

namespace RecEngine.Monitoring;

/// <summary>
/// What the training window looked like, per watched feature; stored beside the model version it was
/// captured for, and compared against live windows by <see cref="DriftDetector"/>.
/// </summary>
internal sealed record ReferenceProfile
{
    public string ModelVersion { get; init; } = "";

    public DateTimeOffset CapturedAt { get; init; }

    public IReadOnlyList<FeatureReference> Features { get; init; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, ServiceDefaults.Json);

    public static ReferenceProfile FromJson(string json) =>
        JsonSerializer.Deserialize<ReferenceProfile>(json, ServiceDefaults.Json)
        ?? throw new JsonException("The reference profile is null.");
}

/// <summary>One feature of a <see cref="ReferenceProfile"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(NumericFeatureReference), "numeric")]
[JsonDerivedType(typeof(CategoricalFeatureReference), "categorical")]
internal abstract record FeatureReference
{
    public required string Name { get; init; }

    /// <summary>Observations the reference was built from (the N of the PSI critical value).</summary>
    public required long Count { get; init; }

    /// <summary>Where the values came from; shown per feature in the drift report.</summary>
    public ReferenceOrigin Origin { get; init; }
}

/// <summary>
/// A numeric feature: quantile bin edges and the count of reference values per bin (for PSI), and a
/// bounded uniform sample, ascending (for Kolmogorov–Smirnov).
/// </summary>
internal sealed record NumericFeatureReference : FeatureReference
{
    /// <summary>Interior cut points; bin i holds edge[i-1] &lt;= x &lt; edge[i].</summary>
    public required double[] BinEdges { get; init; }

    /// <summary>Reference values per bin, BinEdges.Length + 1 of them.</summary>
    public required long[] BinCounts { get; init; }

    /// <summary>Reservoir sample of the reference values, ascending.</summary>
    public required double[] Sample { get; init; }

    /// <summary>
    /// Builds the reference from all values of the training window: edges at its quantiles, counts per
    /// bin, and a seeded reservoir of at most <paramref name="sampleSize"/> values. Missing (NaN) and infinite values
    /// are left out: neither has a place in the bins, and JSON cannot hold infinity.
    /// </summary>
    public static NumericFeatureReference Build(string name, ReadOnlySpan<double> values, int bins, int sampleSize, int seed)
    {
        var sorted = new double[values.Length];
        var count = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                sorted[count++] = v;
            }
        }

        Array.Resize(ref sorted, count);
        RadixSort.Sort(sorted);
        var edges = PopulationStabilityIndex.QuantileEdges(sorted, bins);
        double[] sample;
        if (sorted.Length <= sampleSize)
        {
            // Everything fits: the sample is the data.
            sample = sorted;
        }
        else
        {
            var reservoir = new ReservoirSample(sampleSize, seed);
            foreach (var v in values)
            {
                if (double.IsFinite(v))
                {
                    reservoir.Add(v);
                }
            }

            sample = reservoir.ToArray();
            RadixSort.Sort(sample);
        }
        return new NumericFeatureReference
        {
            Name = name,
            Count = sorted.Length,
            BinEdges = edges,
            BinCounts = PopulationStabilityIndex.CountSorted(sorted, edges),
            Sample = sample,
        };
    }
}

/// <summary>A categorical feature: count per category.</summary>
internal sealed record CategoricalFeatureReference : FeatureReference
{
    public required IReadOnlyDictionary<string, long> Counts { get; init; }

    public static CategoricalFeatureReference Build(string name, IEnumerable<string> values)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        foreach (var v in values)
        {
            counts[v] = counts.GetValueOrDefault(v) + 1;
            total++;
        }

        return new CategoricalFeatureReference { Name = name, Count = total, Counts = counts };
    }
}
