using RecEngine.Hosting;
using RecEngine.Training.Evaluation;

namespace RecEngine.Simulation;

/// <summary>The ground truth of the synthetic world in the data directory (rebuilt from <c>world.json</c>), for evaluation only.</summary>
internal sealed class SimulationOracle(DataDirectory dataDir) : IRelevanceOracle
{
    private readonly Lazy<SimulatedWorld?> _world = new(() =>
        WorldFile.Load(dataDir) is { Start: { } start } options ? new SimulatedWorld(options, start) : null);

    public bool IsAvailable => _world.Value is not null;

    public IReadOnlyList<string> Ranking(string userId, DateTime at, int k) =>
        _world.Value?.Oracle.Ranking(userId, at, k) ?? [];

    public double? WatchProbability(string userId, string videoId, DateTime at, int position, string? device) =>
        _world.Value?.Oracle.WatchProbability(userId, videoId, at, position, device);
}
