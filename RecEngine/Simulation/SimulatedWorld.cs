using RecEngine.Catalog;

namespace RecEngine.Simulation;

/// <summary>The parts of a simulated world wired together.</summary>
internal sealed class SimulatedWorld
{
    public SimulatedWorld(SimulationOptions options, DateTime start, ISlatePolicy? policy = null)
    {
        Truth = GroundTruthBuilder.Build(options, start);
        Behaviour = new BehaviourModel(Truth);
        Oracle = new Oracle(Behaviour);
        Policy = policy ?? new PopularityExplorationPolicy(Truth);
        History = new HistoryGenerator(Truth, Behaviour, Policy);
    }

    public GroundTruth Truth { get; }

    public BehaviourModel Behaviour { get; }

    public Oracle Oracle { get; }

    public ISlatePolicy Policy { get; }

    public HistoryGenerator History { get; }

    public IEnumerable<Video> Videos() => Enumerable.Range(0, Truth.VideoCount).Select(Truth.ToVideo);

    public IEnumerable<User> Users() => Enumerable.Range(0, Truth.UserCount).Select(Truth.ToUser);
}
