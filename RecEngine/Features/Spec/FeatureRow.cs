namespace RecEngine.Features.Spec;

/// <summary>
/// Raw values of one example in <see cref="FeatureSpec"/> order: numbers (NaN when missing), categorical values
/// (null when missing) and texts.
/// </summary>
internal sealed record FeatureRow(double[] Numeric, string?[] Categorical, string?[] Text);
