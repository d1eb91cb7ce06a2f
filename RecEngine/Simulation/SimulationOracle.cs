using RecEngine.Hosting;
using RecEngine.Training.Evaluation;

namespace RecEngine.Simulation;

/// <summary>The ground truth of the synthetic world in the data directory (rebuilt from <c>world.json</c>), for evaluation only.</summary>
internal sealed class SimulationOracle(DataDirectory dataDir) : IRelevanceOracle
{
    private readonly Lazy<SimulatedWorld?> _world = new(() =>
        WorldFile.Load(dataDir) is { Start: { } start } options ? new SimulatedWorld(options, start) : null);

    public bool IsAvailable => _world.Value is not null;

    /// <summary>The world's best videos for the user; none for a user or video the world did not create (one added through the API).</summary>
    public IReadOnlyList<string> Ranking(string userId, DateTime at, int k) =>
        _world.Value is { } world && world.Truth.UserIndex(userId) >= 0 ? world.Oracle.Ranking(userId, at, k) : [];

    /// <summary>The true P(watch); null for a user or video the world did not create.</summary>
    public double? WatchProbability(string userId, string videoId, DateTime at, int position, string? device) =>
        _world.Value is { } world && world.Truth.UserIndex(userId) >= 0 && world.Truth.VideoIndex(videoId) >= 0
            ? world.Oracle.WatchProbability(userId, videoId, at, position, device)
            : null;

    /// <summary>The expected watch seconds of the slate; videos the world did not create count nothing.</summary>
    public double? ExpectedSlateWatchSeconds(string userId, IReadOnlyList<string> slate, DateTime at, string? device = null) =>
        _world.Value is { } world && world.Truth.UserIndex(userId) >= 0
            ? world.Oracle.ExpectedSlateWatchSeconds(userId, [.. slate.Where(v => world.Truth.VideoIndex(v) >= 0)], at, device)
            : null;

    public string? UsualDevice(string userId) =>
        _world.Value is { } world && world.Truth.UserIndex(userId) is var user and >= 0 ? Catalog.User.Devices[world.Truth.PrimaryDevice[user]] : null;
}
