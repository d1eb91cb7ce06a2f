namespace RecEngine.Tests.Simulation;

/// <summary>A scratch folder for one test, deleted with it.</summary>
public sealed class SimulationTestDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "recengine-tests", "simulate-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
