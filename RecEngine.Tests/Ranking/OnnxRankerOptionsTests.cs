using RecEngine.Ranking;

namespace RecEngine.Tests.Ranking;

public sealed class OnnxRankerOptionsTests
{
    [Theory]
    [InlineData(120, 3)]
    [InlineData(OnnxRankerOptions.LargeCatalogVideos - 1, 3)]
    [InlineData(OnnxRankerOptions.LargeCatalogVideos, 1)]
    [InlineData(1_000_000, 1)]
    public void Unset_networks_follow_the_catalog_size(int videos, int expected) =>
        Assert.Equal(expected, new OnnxRankerOptions().NetworksFor(videos));

    [Theory]
    [InlineData(120)]
    [InlineData(1_000_000)]
    public void Set_networks_hold_whatever_the_catalog_size(int videos)
    {
        Assert.Equal(2, new OnnxRankerOptions { Networks = 2 }.NetworksFor(videos));
        Assert.Equal(1, new OnnxRankerOptions { Networks = 1 }.NetworksFor(videos));
    }
}
