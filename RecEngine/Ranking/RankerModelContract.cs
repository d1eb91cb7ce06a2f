namespace RecEngine.Ranking;

/// <summary>
/// The ranker's ONNX interface, shared by the exporter (Training) and the scorer: inputs
/// <c>dense</c> float[N, D] and <c>categorical</c> int64[N, F]; outputs <c>p_watch</c> float[N] (P(watch))
/// and <c>watch_time</c> float[N] (expected watch seconds: P(watch) x E[seconds | watched] fitted on the training watches,
/// or, in versions trained with a return weight or before that fit existed, e^z of the weighted-logistic head).
/// </summary>
internal static class RankerModelContract
{
    public const string DenseInput = "dense";
    public const string CategoricalInput = "categorical";
    public const string WatchProbabilityOutput = "p_watch";
    public const string WatchTimeOutput = "watch_time";

    /// <summary>Lowest ONNX opset the exporter targets and the scorer accepts.</summary>
    public const int OpsetVersion = 17;
}
