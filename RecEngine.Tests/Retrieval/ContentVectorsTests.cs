using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class ContentVectorsTests
{
    [Fact]
    public void Cold_items_get_the_weighted_mean_of_items_sharing_creator_category_and_tags()
    {
        ItemMetadata[] items =
        [
            new("music", ["live"], "alice"),    // 0 trained
            new("sport", ["live"], "bob"),      // 1 trained
            new("music", ["studio"], "bob"),    // 2 trained
            new("music", ["live"], "alice"),    // 3 cold: creator alice {0}, category music {0,2}, tag live {0,1}
            new("cooking", [], "carol"),        // 4 cold: nothing shared -> mean of trained
            new(null, ["studio", "nope"], null), // 5 cold: only tag studio {2}
        ];
        float[] factors = [1, 0, 0, 1, 3, 3, 0, 0, 0, 0, 0, 0];
        var filled = ContentVectors.Fill(items, factors, 2, [true, true, true, false, false, false], new ContentWeights(Creator: 3, Category: 1, Tags: 2));

        Assert.Equal(factors[..6], filled[..6]);
        // (3 * [1,0] + 1 * [2,1.5] + 2 * [0.5,0.5]) / 6
        Assert.Equal(6.0f / 6, filled[6], 1e-6f);
        Assert.Equal(2.5f / 6, filled[7], 1e-6f);
        Assert.Equal(4f / 3, filled[8], 1e-6f);
        Assert.Equal(4f / 3, filled[9], 1e-6f);
        Assert.Equal(3f, filled[10], 1e-6f);
        Assert.Equal(3f, filled[11], 1e-6f);
    }
}
