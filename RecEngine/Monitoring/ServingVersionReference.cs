using RecEngine.Hosting;

namespace RecEngine.Monitoring;

/// <summary>
/// The drift data source the monitor reads: the reference stored with the model version now serving
/// (<c>models/&lt;version&gt;/drift_reference.json</c>) when it has one, otherwise the inner source's reference
/// (bootstrapped from stored events, <see cref="DriftReferenceBootstrap"/>). The live window is the inner source's.
/// A version's file is read once, when that version is first seen serving.
/// </summary>
public sealed partial class ServingVersionReference(
    InMemoryDriftDataSource inner,
    Func<string?> servingVersion,
    DataDirectory dataDir,
    ILogger<ServingVersionReference> logger) : IDriftDataSource
{
    private volatile Loaded? _loaded;

    public ReferenceProfile? Reference => ForVersion(servingVersion()) ?? inner.Reference;

    public LiveWindow TakeWindow() => inner.TakeWindow();

    private ReferenceProfile? ForVersion(string? version)
    {
        if (version is null)
        {
            return null;
        }

        var loaded = _loaded;
        if (loaded?.Version != version)
        {
            loaded = new Loaded(version, Load(version));
            _loaded = loaded;
        }

        return loaded.Reference;
    }

    private ReferenceProfile? Load(string version)
    {
        try
        {
            var reference = TrainingDriftReference.TryLoad(Path.Combine(dataDir.ModelsPath, version));
            if (reference is null)
            {
                LogNoStoredReference(version);
            }
            else
            {
                LogLoaded(version, reference.Features.Count);
            }

            return reference;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            LogUnreadable(ex, version);
            return null;
        }
    }

    private sealed record Loaded(string Version, ReferenceProfile? Reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift reference of serving version {Version} loaded: {Features} features")]
    private partial void LogLoaded(string version, int features);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving version {Version} has no stored drift reference; drift is checked against the one built from stored events")]
    private partial void LogNoStoredReference(string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift reference of serving version {Version} is unreadable; drift is checked against the one built from stored events")]
    private partial void LogUnreadable(Exception ex, string version);
}
