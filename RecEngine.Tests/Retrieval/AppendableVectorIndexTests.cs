using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class AppendableVectorIndexTests
{
    [Fact]
    public void Items_added_after_the_build_are_found_and_merged_by_score()
    {
        const int n = 2000, dims = 8, k = 10;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, 1, dims, 8, seed: 41);
        using var index = new AppendableVectorIndex(HnswVectorIndex.Build(ids, vectors, dims, new VectorIndexOptions { Quantization = VectorQuantization.F32 }));
        var query = queries;
        // float32: an 8-bit graph may swap near-tied items at the k-th place between two searches of different k.
        var before = index.Search(query, k);

        // A new item pointing along the query with a large norm must come first; a weak one must not appear.
        var strong = query.Select(x => x * 100f).ToArray();
        var weak = query.Select(x => x * -1f).ToArray();
        index.Add(1, strong);
        index.Add(2, weak);
        Assert.Equal(n + 2, index.Count);
        Assert.Equal(2, index.AppendedCount);

        var after = index.Search(query, k);
        Assert.Equal(1L, after[0].Id);
        Assert.DoesNotContain(after, h => h.Id == 2);
        Assert.Equal(before.Take(k - 1), after.Skip(1));
    }

    [Fact]
    public void A_side_entry_overrides_the_built_vector_of_the_same_id()
    {
        using var index = new AppendableVectorIndex(new ExactVectorIndex([1, 2, 3], [1, 0, 0.9f, 0, 0.8f, 0], 2));
        index.Add(1, [-1f, 0f]);
        var hits = index.Search([1f, 0f], 3);
        Assert.Equal([2L, 3L, 1L], hits.Select(h => h.Id));
        Assert.Equal(-1f, hits[2].Score);
    }

    [Fact]
    public void AddRange_adds_new_items_and_replaces_existing_ones_in_one_step()
    {
        using var index = new AppendableVectorIndex(new ExactVectorIndex([1, 2], [1, 0, 0, 1], 2));
        index.AddRange([3, 4], [0.5f, 0.5f, 2f, 0f]);
        index.AddRange([4, 5], [-2f, 0f, 0f, 3f]);
        Assert.Equal(3, index.AppendedCount);

        var hits = index.Search([1f, 0f], 5);
        Assert.Equal([1L, 3L, 2L, 5L, 4L], hits.Select(h => h.Id));
        Assert.Equal(-2f, hits[4].Score);
    }
}
