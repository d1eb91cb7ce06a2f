using RecEngine.Hosting;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

/// <summary>The evaluation oracle answers for what the world created and stays silent, not failing, for what it did not.</summary>
public sealed class SimulationOracleTests : IDisposable
{
    private readonly DataDirectory _dir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));

    [Fact]
    public void UsersAndVideosAddedOutsideTheWorldHaveNoTruth()
    {
        Directory.CreateDirectory(_dir.Root);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        WorldFile.Save(_dir, new SimulationOptions { Users = 50, Videos = 200, Days = 3, Start = start });
        var oracle = new SimulationOracle(_dir);
        var at = start.AddDays(2);

        Assert.True(oracle.IsAvailable);
        Assert.InRange(oracle.WatchProbability("u3", "v7", at, 0, null)!.Value, 0, 1);
        Assert.NotEmpty(oracle.Ranking("u3", at, 5));

        // u50 is one past the world's last user: an API client's user, say, that the load tool asked for.
        Assert.Null(oracle.WatchProbability("u50", "v7", at, 0, null));
        Assert.Null(oracle.WatchProbability("u3", "v200", at, 0, null));
        Assert.Null(oracle.WatchProbability("someone", "v7", at, 0, null));
        Assert.Empty(oracle.Ranking("u50", at, 5));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
