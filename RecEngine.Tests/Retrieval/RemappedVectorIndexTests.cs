using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class RemappedVectorIndexTests
{
    [Fact]
    public void Hits_come_back_under_their_new_ids_and_dropped_items_never_appear()
    {
        // Inner ids 0..3 with scores 4, 3, 2, 1 against the query; inner 0 is gone, the rest are renumbered.
        var inner = new ExactVectorIndex([0, 1, 2, 3], [4, 0, 3, 0, 2, 0, 1, 0], 2);
        using var index = new RemappedVectorIndex(inner, [-1, 7, 5, 6]);

        Assert.Equal(3, index.Count);
        var hits = index.Search([1f, 0f], 3);
        Assert.Equal([7L, 5L, 6L], hits.Select(h => h.Id));
        Assert.Equal([3f, 2f, 1f], hits.Select(h => h.Score));
    }

    [Fact]
    public void A_map_of_the_wrong_length_is_refused()
    {
        using var inner = new ExactVectorIndex([0, 1], [1, 0, 0, 1], 2);
        Assert.Throws<ArgumentException>(() => new RemappedVectorIndex(inner, [0]));
    }
}
