using Microsoft.Extensions.Options;

namespace RecEngine.Ranking;

/// <summary>
/// Opens model versions with the configured <see cref="OnnxRankerOptions"/>. Whoever builds a serving
/// snapshot owns (and disposes) the <see cref="OnnxRanker"/> it returns.
/// </summary>
internal sealed class RankerModelLoader(IOptions<OnnxRankerOptions> options)
{
    /// <inheritdoc cref="OnnxRanker.Load(string, string, OnnxRankerOptions, int?, int?)"/>
    public OnnxRanker Load(string path, string version, int? denseFeatures = null, int? fields = null) =>
        OnnxRanker.Load(path, version, options.Value, denseFeatures, fields);
}
