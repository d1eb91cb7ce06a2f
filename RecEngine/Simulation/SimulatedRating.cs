namespace RecEngine.Simulation;

/// <summary>One rating of a simulated MovieLens export: world indexes of user and video, stars, and when.</summary>
internal readonly record struct SimulatedRating(int User, int Video, double Stars, DateTime At);
