using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Ranking;
using RecEngine.Tests.Integration;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Export;

namespace RecEngine.Tests.Ranking;

public sealed class RankingModuleTests
{
    [Fact]
    public void Loader_opens_models_with_the_configured_threads()
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Ranking:IntraOpThreads"] = "2" });
        var options = factory.Services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value;
        Assert.Equal(2, options.IntraOpThreads);

        var path = Path.Combine(factory.DataDir, "ranker.onnx");
        RankerOnnxExporter.Save(new RankerNetwork(Training.TinyRanker.Options(), seed: 1), path);
        using var ranker = factory.Services.GetRequiredService<RankerModelLoader>().Load(path, "v1", denseFeatures: 3, fields: 2 + 3); // two fields, three title tokens
        Assert.Equal("v1", ranker.Version);
    }

    [Fact]
    public void Out_of_range_thread_count_is_rejected()
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Ranking:IntraOpThreads"] = "0" });
        var error = Assert.Throws<OptionsValidationException>(() => factory.Services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value);
        Assert.Contains("IntraOpThreads", error.Message, StringComparison.Ordinal);
    }
}
