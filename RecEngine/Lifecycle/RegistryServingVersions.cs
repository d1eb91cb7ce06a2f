using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Lifecycle;

/// <summary>
/// At start the last promoted version serves; one that is refused is marked rejected and the version promoted
/// before it serves instead. A data directory from before the registry (nothing promoted) serves its newest folder.
/// </summary>
internal sealed partial class RegistryServingVersions(ModelRegistry registry, DataDirectory dataDir, ILogger<RegistryServingVersions> logger) : IServingVersionSource
{
    public IReadOnlyList<string> VersionFolders()
    {
        var promoted = registry.PromotedNewestFirst().Select(m => registry.Folder(m.Version)).Where(Directory.Exists).ToList();
        return promoted.Count > 0 ? promoted : ServingLoader.Versions(dataDir);
    }

    public void Served(string version)
    {
        var record = registry.GetOrRegister(version, "adopted");
        if (record.Status != ModelStatus.Serving)
        {
            var reason = record.PromotedAt is null
                ? "served at start: newest version on disk, nothing was promoted before"
                : "served at start: the versions promoted after it were refused";
            registry.MarkServing(version, reason);
            LogServingInstead(version, reason);
        }
    }

    public void Refused(string version, string reason)
    {
        registry.GetOrRegister(version, "adopted");
        registry.MarkRejected(version, "refused at start: " + reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model version {Version} now serving ({Reason})")]
    private partial void LogServingInstead(string version, string reason);
}
