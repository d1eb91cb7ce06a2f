namespace RecEngine.Training.Evaluation;

/// <summary>Combining ranker datasets.</summary>
public static class RankerDatasets
{
    /// <summary>A new dataset with the rows of <paramref name="first"/>, then those of <paramref name="second"/>.</summary>
    public static RankerDataset Concat(RankerDataset first, RankerDataset second)
    {
        var all = new RankerDataset();
        foreach (var d in new[] { first, second })
        {
            all.Numeric.AddRange(d.Numeric);
            all.Categorical.AddRange(d.Categorical);
            all.Text.AddRange(d.Text);
            all.Watched.AddRange(d.Watched);
            all.WatchSeconds.AddRange(d.WatchSeconds);
            all.Users.AddRange(d.Users);
            all.Videos.AddRange(d.Videos);
            all.Impressions.AddRange(d.Impressions);
        }

        return all;
    }
}
