using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Retrieval;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Retrieval;

public sealed class RetrievalModuleTests
{
    [Fact]
    public void The_index_section_binds_its_keys()
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { ["RecEngine:Retrieval:Index:NormRatio"] = "4" });
        Assert.Equal(4.0, factory.Services.GetRequiredService<IOptions<VectorIndexOptions>>().Value.NormRatio);
    }

    [Theory]
    [InlineData("RecEngine:Retrieval:Index:NormRanges", "NormRanges")] // replaced by NormRatio
    [InlineData("RecEngine:Retrieval:Als:Factorz", "Factorz")]
    public void A_key_the_section_does_not_have_is_refused_by_name(string key, string name)
    {
        using var factory = new RecEngineFactory(new Dictionary<string, string?> { [key] = "2" });
        var error = Assert.ThrowsAny<InvalidOperationException>(() => factory.Services.GetRequiredService<IOptions<VectorIndexOptions>>().Value.NormRatio
            + factory.Services.GetRequiredService<IOptions<AlsOptions>>().Value.Factors);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}
