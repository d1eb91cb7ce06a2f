namespace RecEngine.Simulation;

/// <summary>
/// The knobs of <see cref="TasteRatingChoice"/>. The defaults were calibrated so that the export looks like
/// MovieLens (README, "MovieLens"): every rater has at least 20 ratings and the counts are heavy-tailed (ML-1M:
/// minimum 20, median 96, mean 165, here scaled down to a 14-day world), the stars average about 3.5 with most at
/// 3-4 and few below 2, and item_knn beats most_popular, as it does on ML-1M and ML-20M (Dacrema et al. 2019).
/// </summary>
internal sealed record TasteRatingParameters
{
    /// <summary>Share of the world's users who rate anything (MovieLens keeps only users with 20 or more ratings).</summary>
    public double RaterShare { get; init; } = 0.2;

    /// <summary>Fewest ratings per rater, as in MovieLens's published data sets.</summary>
    public int MinRatings { get; init; } = 20;

    /// <summary>Median of the log-normal number of ratings a rater makes beyond <see cref="MinRatings"/>.</summary>
    public double ExtraRatingsMedian { get; init; } = 15;

    /// <summary>Log-scale spread of the extra ratings (ML-1M's mean/median ratio of about 1.9 gives about 1.1).</summary>
    public double ExtraRatingsSigma { get; init; } = 1.1;

    /// <summary>Exponent a of popularity in P(movie) ∝ exp(quality)^a · exp(affinity / τ); exp(quality) is the world's heavy-tailed appeal.</summary>
    public double PopularityExponent { get; init; } = 1.5;

    /// <summary>Temperature τ of taste: smaller means users pick more strictly by their true affinity.</summary>
    public double TasteTemperature { get; init; } = 0.2;

    /// <summary>
    /// Stars of a movie of affinity <see cref="TypicalAffinity"/> and quality 0, before the user's leniency and noise;
    /// set so that the demo world's export averages about 3.5 stars, as MovieLens does.
    /// </summary>
    public double StarsAtTypicalAffinity { get; init; } = 3.55;

    /// <summary>The affinity at which a movie of typical quality gets <see cref="StarsAtTypicalAffinity"/> stars (near that of the movies raters choose).</summary>
    public double TypicalAffinity { get; init; } = 0.6;

    /// <summary>Stars per unit of true affinity.</summary>
    public double StarsPerAffinity { get; init; } = 3.0;

    /// <summary>Stars per unit of the movie's log-quality (users like good movies whatever their taste, a little).</summary>
    public double StarsPerQuality { get; init; } = 0.25;

    /// <summary>Standard deviation of a user's leniency (a constant added to all their stars).</summary>
    public double UserLeniencySigma { get; init; } = 0.4;

    /// <summary>Standard deviation of the noise of one rating, in stars.</summary>
    public double StarNoise { get; init; } = 0.8;

    /// <summary>Share of raters who use half stars; the others round to whole stars (ml-latest has both).</summary>
    public double HalfStarUserShare { get; init; } = 0.4;
}
