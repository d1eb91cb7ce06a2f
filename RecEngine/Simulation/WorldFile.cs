using System.Text.Json;
using RecEngine.Hosting;

namespace RecEngine.Simulation;

/// <summary>
/// <c>world.json</c> in the data directory: the options (with the resolved start) a synthetic world was generated
/// from, so evaluation can rebuild its hidden ground truth. Absent for imported or production data.
/// </summary>
internal static class WorldFile
{
    public static string PathIn(DataDirectory dataDir) => Path.Combine(dataDir.Root, "world.json");

    public static void Save(DataDirectory dataDir, SimulationOptions options)
    {
        dataDir.EnsureExists();
        var temp = PathIn(dataDir) + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(options, ServiceDefaults.Json));
        File.Move(temp, PathIn(dataDir), overwrite: true);
    }

    public static SimulationOptions? Load(DataDirectory dataDir) =>
        File.Exists(PathIn(dataDir)) ? JsonSerializer.Deserialize<SimulationOptions>(File.ReadAllText(PathIn(dataDir)), ServiceDefaults.Json) : null;
}
