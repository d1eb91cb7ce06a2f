namespace RecEngine.Simulation;

/// <summary>How <c>generate --format movielens</c> decides what each user rates.</summary>
internal enum MovieLensRatingModel
{
    /// <summary>Users choose from the catalog by their true taste and the movie's popularity (<see cref="TasteRatingChoice"/>), as MovieLens users do.</summary>
    Taste,

    /// <summary>The simulated platform's history replayed: users rate what the logging policy showed them (<see cref="ExposureRatingReplay"/>).</summary>
    Exposure,
}
