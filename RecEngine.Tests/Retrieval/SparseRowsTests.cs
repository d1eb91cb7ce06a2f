using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public class SparseRowsTests
{
    [Fact]
    public void Rows_are_sorted_by_column_with_repeats_merged_by_adding_strengths_both_ways_round()
    {
        Interaction[] interactions =
        [
            new(2, 1, 3f), new(0, 3, 2f), new(2, 0, 5f), new(0, 3, 4f), new(1, 1, 1.5f), new(0, 0, 7f),
        ];

        var byUser = SparseRows.FromInteractions(interactions, userCount: 4, itemCount: 4, transpose: false);
        Assert.Equal(4, byUser.Count);
        Assert.Equal([0, 3], byUser.Columns(0).ToArray());
        Assert.Equal([7f, 5f], byUser.Confidences(0).ToArray()); // (0, 3): 1 + (2 - 1) + (4 - 1)
        Assert.Equal([1], byUser.Columns(1).ToArray());
        Assert.Equal([0, 1], byUser.Columns(2).ToArray());
        Assert.Equal([5f, 3f], byUser.Confidences(2).ToArray());
        Assert.True(byUser.Columns(3).IsEmpty);

        var byItem = SparseRows.FromInteractions(interactions, userCount: 4, itemCount: 4, transpose: true);
        Assert.Equal([0, 2], byItem.Columns(0).ToArray());
        Assert.Equal([7f, 5f], byItem.Confidences(0).ToArray());
        Assert.Equal([1, 2], byItem.Columns(1).ToArray());
        Assert.True(byItem.Columns(2).IsEmpty);
        Assert.Equal([0], byItem.Columns(3).ToArray());
        Assert.Equal([5f], byItem.Confidences(3).ToArray());

        Assert.Throws<ArgumentOutOfRangeException>(() => SparseRows.FromInteractions([new(0, 4, 1f)], 4, 4, transpose: false));
    }
}
