using RecEngine.Hosting;

namespace RecEngine.Serving;

/// <summary>
/// Which model versions <see cref="ServingLoader"/> tries at start, in order, and what it is told back. The model
/// registry (Lifecycle) supplies the promoted versions, last promoted first; without it, the newest folder on disk.
/// </summary>
internal interface IServingVersionSource
{
    /// <summary>Version folders to try, the preferred one first.</summary>
    IReadOnlyList<string> VersionFolders();

    /// <summary>The version that now serves.</summary>
    void Served(string version);

    /// <summary>A version that was refused (checksums, or it does not load), with why.</summary>
    void Refused(string version, string reason);
}

/// <summary>The newest version folder on disk first; used when no registry is registered.</summary>
internal sealed class NewestOnDiskVersions(DataDirectory dataDir) : IServingVersionSource
{
    public IReadOnlyList<string> VersionFolders() => ServingLoader.Versions(dataDir);

    public void Served(string version)
    {
    }

    public void Refused(string version, string reason)
    {
    }
}
