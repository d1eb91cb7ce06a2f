namespace RecEngine.Serving;

/// <summary>
/// One served slate as monitoring sees it: the context, the ranker's scores of the shown videos and a sample of the
/// ranker's raw (pre-normalisation) feature values. <paramref name="FeatureValues"/> is row-major,
/// <c>FeatureNames.Length</c> values per sampled candidate row (NaN where a value was missing).
/// </summary>
internal sealed record ServedSlate(
    string RequestId,
    string UserId,
    string ModelVersion,
    DateTime TimestampUtc,
    string? Device,
    int Hour,
    IReadOnlyList<string> VideoIds,
    float[] Scores,
    IReadOnlyList<string> FeatureNames,
    float[] FeatureValues,
    bool Degraded);

/// <summary>
/// Told of every served slate, on the request thread after the response is built. Implementations must be cheap
/// and never throw or block (hand off to a queue); the serving pipeline catches and counts failures.
/// </summary>
internal interface IServedSlateListener
{
    void OnServed(ServedSlate slate);
}
