namespace RecEngine.Tests.Simulation;

/// <summary>
/// Tests that run the online loop share this collection, so they run one after another: each trains models and runs
/// hosts, and two LiteDB stores first opened at the same moment in one process have raced in LiteDB's shared mapper.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OnlineLoopCollection
{
    public const string Name = "online loop";
}
