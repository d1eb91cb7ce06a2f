namespace RecEngine.Training.Evaluation;

/// <summary>
/// The hidden ground truth of a synthetic world, for evaluation only (models never see it). Real data has
/// none: <see cref="IsAvailable"/> is false and evaluations leave the oracle out.
/// </summary>
internal interface IRelevanceOracle
{
    bool IsAvailable { get; }

    /// <summary>The k videos the user would engage with most at <paramref name="at"/>, best first.</summary>
    IReadOnlyList<string> Ranking(string userId, DateTime at, int k);

    /// <summary>The true P(watch) of an impression, where the world knows it: the ceiling for a ranker's AUC.</summary>
    double? WatchProbability(string userId, string videoId, DateTime at, int position, string? device) => null;

    /// <summary>
    /// The expected seconds the user would watch of this slate (position bias included) on <paramref name="device"/>,
    /// else on the device they mostly use, where the world knows it.
    /// </summary>
    double? ExpectedSlateWatchSeconds(string userId, IReadOnlyList<string> slate, DateTime at, string? device = null) => null;

    /// <summary>The device the user mostly uses, where the world knows it.</summary>
    string? UsualDevice(string userId) => null;
}

/// <summary>No ground truth (imported or production data).</summary>
internal sealed class NoRelevanceOracle : IRelevanceOracle
{
    public bool IsAvailable => false;

    public IReadOnlyList<string> Ranking(string userId, DateTime at, int k) => [];
}
