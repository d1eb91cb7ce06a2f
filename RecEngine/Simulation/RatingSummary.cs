using System.Globalization;

namespace RecEngine.Simulation;

/// <summary>
/// The shape of a set of ratings, printed by <c>generate --format movielens</c> so it can be checked against
/// MovieLens (ML-1M: stars 1-5 with shares 6/11/26/35/23%, mean 3.58; at least 20 ratings per user, median 96).
/// </summary>
internal sealed record RatingSummary(int Users, long Ratings, double MeanStars, double StarsStandardDeviation,
    IReadOnlyList<double> WholeStarShares, int MinPerUser, int MedianPerUser, double MeanPerUser, int MaxPerUser)
{
    public static RatingSummary Of(IReadOnlyCollection<SimulatedRating> ratings)
    {
        if (ratings.Count == 0)
        {
            return new RatingSummary(0, 0, 0, 0, [0, 0, 0, 0, 0], 0, 0, 0, 0);
        }

        var mean = ratings.Average(r => r.Stars);
        var sd = Math.Sqrt(ratings.Average(r => (r.Stars - mean) * (r.Stars - mean)));
        // Half stars count with the whole star above them (0.5 with 1, 3.5 with 4), as rounding them up would.
        var shares = Enumerable.Range(1, 5).Select(s => ratings.Count(r => Math.Ceiling(r.Stars) == s) / (double)ratings.Count).ToList();
        var perUser = ratings.GroupBy(r => r.User).Select(g => g.Count()).Order().ToArray();
        return new RatingSummary(perUser.Length, ratings.Count, mean, sd, shares, perUser[0], perUser[perUser.Length / 2], perUser.Average(), perUser[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"stars mean {MeanStars:0.00} (sd {StdFormat}), shares by whole star (half stars up) {string.Join('/', WholeStarShares.Select(s => (s * 100).ToString("0", CultureInfo.InvariantCulture)))}%; " +
        $"ratings per user min {MinPerUser}, median {MedianPerUser}, mean {MeanPerUser:0.0}, max {MaxPerUser}");

    private string StdFormat => StarsStandardDeviation.ToString("0.00", CultureInfo.InvariantCulture);
}
