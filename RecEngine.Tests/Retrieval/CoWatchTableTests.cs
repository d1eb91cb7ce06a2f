using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

/// <summary>The co-watch table: association confidence, its support threshold, the user's summed score, and its file and remap.</summary>
public sealed class CoWatchTableTests
{
    /// <summary>
    /// Users 0-3 watched videos 0 and 1; users 0-1 also watched 2; user 4 watched 0 and 3 (a pair seen once);
    /// video 4 nobody watched.
    /// </summary>
    private static CoWatchTable Planted() => CoWatchTable.Build(
        [
            new(0, 0, 1), new(0, 1, 1), new(0, 2, 1),
            new(1, 0, 1), new(1, 1, 1), new(1, 2, 1),
            new(2, 0, 1), new(2, 1, 1),
            new(3, 0, 1), new(3, 1, 1),
            new(4, 0, 1), new(4, 3, 1),
        ],
        userCount: 5,
        videoCount: 5,
        neighbours: 10);

    [Fact]
    public void ConfidenceIsSharedWatchersOverTheVideosWatchersAndPairsSeenOnceAreDropped()
    {
        var table = Planted();

        Assert.Equal([5, 4, 2, 1, 0], table.Watchers);
        // conf(0 -> 1) = 4/5, conf(0 -> 2) = 2/5; 0 -> 3 was watched together once, under the support of 2.
        Assert.Equal([1, 2], table.Neighbours(0).ToArray());
        Assert.Equal([0.8f, 0.4f], table.Confidences(0).ToArray());
        Assert.Equal([0, 2], table.Neighbours(1).ToArray());
        Assert.Equal([1f, 0.5f], table.Confidences(1).ToArray());
        Assert.Empty(table.Neighbours(3).ToArray());
        Assert.Empty(table.Neighbours(4).ToArray());
    }

    [Fact]
    public void AUsersScoreSumsTheConfidencesFromTheirDistinctSeeds()
    {
        var scores = new Dictionary<int, float>();

        // Seed 0 twice counts once; seed 4 has no row; an index outside the table is skipped.
        Planted().Scores([0, 1, 0, 4, 99], scores);

        Assert.Equal(1f, scores[0]);                  // from 1
        Assert.Equal(0.8f, scores[1]);                // from 0
        Assert.Equal(0.4f + 0.5f, scores[2], 5);      // from 0 and 1
        Assert.False(scores.ContainsKey(3));
    }

    [Fact]
    public void TheFileRoundTripsAndARemapFollowsTheCatalogsNewOrder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cowatch-{Guid.NewGuid():N}.bin");
        try
        {
            Planted().Save(path);
            var loaded = CoWatchTable.Load(path);
            Assert.Equal([1, 2], loaded.Neighbours(0).ToArray());

            // Today's catalog: trained row r is at index currentOf[r]; video 2 was removed; a new video sits at index 0.
            var remapped = loaded.Remap([1, 2, -1, 3, 4], currentCount: 5);
            Assert.Equal([0, 5, 4, 1, 0], remapped.Watchers);
            Assert.Equal([2], remapped.Neighbours(1).ToArray());
            Assert.Equal([0.8f], remapped.Confidences(1).ToArray());
            Assert.Empty(remapped.Neighbours(0).ToArray());

            File.WriteAllText(path, "not a table");
            Assert.ThrowsAny<Exception>(() => CoWatchTable.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
