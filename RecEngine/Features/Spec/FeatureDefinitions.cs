namespace RecEngine.Features.Spec;

/// <summary>How a numeric feature is normalised after imputation.</summary>
internal enum NumericTransform
{
    /// <summary>(x - mean) / std.</summary>
    Standardize,

    /// <summary>(log(1 + max(x, 0)) - mean) / std, for heavy-tailed counts and durations.</summary>
    Log1p,

    /// <summary>
    /// The empirical CDF q in [0, 1] over fitted quantile edges, with q² and √q as companions, so the network
    /// can form super- and sub-linear functions cheaply (Covington, Adams &amp; Sargin 2016, "Deep Neural Networks
    /// for YouTube Recommendations", section 4.2).
    /// </summary>
    Quantile,
}

/// <summary>A numeric input. <paramref name="NonNegative"/> values below zero are treated as missing and counted.</summary>
internal sealed record NumericFeature(string Name, NumericTransform Transform, bool NonNegative = false)
{
    /// <summary>Dense columns this feature produces: the value(s) and the missing indicator.</summary>
    public int Width => Transform == NumericTransform.Quantile ? 4 : 2;
}

/// <summary>A categorical input hashed into an embedding vocabulary; bucket 0 is missing or out of vocabulary.</summary>
internal sealed record CategoricalFeature(string Name, int MaxBuckets = 1 << 16, int MinCount = 1);

/// <summary>Free text (title, tags) as a bag of hashed tokens; id 0 pads.</summary>
internal sealed record TextFeature(string Name, int Buckets = 1 << 14, int MaxTokens = 16);

/// <summary>The declaration that training and serving share: which inputs exist and how each is treated.</summary>
internal sealed record FeatureSpec(
    IReadOnlyList<NumericFeature> Numeric,
    IReadOnlyList<CategoricalFeature> Categorical,
    IReadOnlyList<TextFeature> Text)
{
    public int DenseWidth => Numeric.Sum(n => n.Width);
}
