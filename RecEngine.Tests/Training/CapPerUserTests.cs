using RecEngine.Training.Datasets;

namespace RecEngine.Tests.Training;

public sealed class CapPerUserTests
{
    [Fact]
    public void Each_user_keeps_at_most_the_cap_in_order_with_explored_rows_following_their_rows()
    {
        var data = new RankerDataset();
        // u-heavy has 40 rows, u-light 3, interleaved; every fifth row explored; the video id is the original row.
        for (var i = 0; i < 43; i++)
        {
            var user = i % 11 == 5 && i < 33 ? "u-light" : "u-heavy";
            PositionBiasTests.Add(data, i % 8, watched: i % 3 == 0, explored: i % 5 == 0);
            data.Users[i] = user;
            data.Videos[i] = i;
        }

        Assert.Equal(3, data.Users.Count(u => u == "u-light"));
        var capped = data.CapPerUser(10, seed: 4);

        Assert.Equal(13, capped.Count);
        Assert.Equal(10, capped.Users.Count(u => u == "u-heavy"));
        Assert.Equal(3, capped.Users.Count(u => u == "u-light"));
        // Rows stay in their original order and keep their own labels and users.
        Assert.Equal(capped.Videos.Order(), capped.Videos);
        for (var r = 0; r < capped.Count; r++)
        {
            var original = capped.Videos[r];
            Assert.Equal(data.Users[original], capped.Users[r]);
            Assert.Equal(data.Watched[original], capped.Watched[r]);
            Assert.Same(data.Numeric[original], capped.Numeric[r]);
        }

        // Explored rows are exactly the kept rows that were explored, at their new places.
        Assert.Equal(Enumerable.Range(0, capped.Count).Where(r => capped.Videos[r] % 5 == 0), capped.ExploredRows);
        // Seeded: the same draw again; another seed another draw.
        Assert.Equal(capped.Videos, data.CapPerUser(10, seed: 4).Videos);
        Assert.NotEqual(capped.Videos, data.CapPerUser(10, seed: 5).Videos);
        // A cap nobody reaches keeps the dataset as it is.
        Assert.Same(data, data.CapPerUser(40, seed: 4));
    }
}
