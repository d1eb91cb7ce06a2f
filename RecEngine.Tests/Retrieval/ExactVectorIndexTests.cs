using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class ExactVectorIndexTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Search_returns_the_top_k_inner_products_of_a_full_sort(bool parallel)
    {
        const int n = 3000, dims = 12, k = 25;
        var ids = VectorTestData.Ids(n);
        var (vectors, queries) = VectorTestData.Mixture(n, 20, dims, 8, seed: 1);
        using var index = new ExactVectorIndex(ids, vectors, dims, parallel);
        for (var q = 0; q < 20; q++)
        {
            var query = queries.AsSpan(q * dims, dims).ToArray();
            var expected = Enumerable.Range(0, n)
                .Select(r => (Id: ids[r], Score: Enumerable.Range(0, dims).Sum(d => (double)query[d] * vectors[(r * dims) + d])))
                .OrderByDescending(x => x.Score).Take(k).ToArray();
            var hits = index.Search(query, k);
            Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
            for (var i = 0; i < k; i++)
            {
                Assert.Equal(expected[i].Score, hits[i].Score, 1e-3);
            }
        }
    }

    [Fact]
    public void Search_with_k_above_count_returns_every_item_best_first()
    {
        using var index = new ExactVectorIndex([7, 8, 9], [1, 0, 0, 1, 2, 2], 2);
        var hits = index.Search([1f, 1f], 10);
        Assert.Equal([9L, 7L, 8L], hits.Select(h => h.Id));
        Assert.Equal([4f, 1f, 1f], hits.Select(h => h.Score));
    }

    [Fact]
    public void Constructor_rejects_a_matrix_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => new ExactVectorIndex([1, 2], [1, 2, 3], 2));
    }
}
