using RecEngine.Hosting;

namespace RecEngine.Monitoring;

/// <summary>
/// The drift data source the monitor reads. The reference is that of the model version now serving: its event features
/// from the training reference stored with it (<c>models/&lt;version&gt;/drift_reference.json</c>), its served-slate
/// features (ranker inputs, score) from its own first served slates (<see cref="ServedReferenceCapture"/>, stored as
/// <see cref="ServedDriftReference.FileName"/> once captured, so a restart keeps it). Without a stored training
/// reference the inner source's (bootstrapped from stored events, <see cref="DriftReferenceBootstrap"/>) stands in. The
/// live window is the inner source's. Files are read once, when a version is first seen serving; everything runs on
/// the monitor's thread.
/// </summary>
internal sealed partial class ServingVersionReference(
    InMemoryDriftDataSource inner,
    ServedReferenceCapture capture,
    Func<string?> servingVersion,
    DataDirectory dataDir,
    MonitoringOptions options,
    TimeProvider time,
    ILogger<ServingVersionReference> logger) : IDriftDataSource
{
    private readonly Lock _gate = new();
    private Loaded? _loaded;

    public ReferenceProfile? Reference
    {
        get
        {
            var version = servingVersion();
            if (version is null)
            {
                return inner.Reference;
            }

            lock (_gate)
            {
                if (_loaded?.Version != version)
                {
                    _loaded = Load(version);
                }

                TakeCaptured(_loaded);
                var training = _loaded.Training ?? inner.Reference;
                return training is null ? _loaded.Served : ServedDriftReference.Combine(training, _loaded.Served);
            }
        }
    }

    public LiveWindow TakeWindow() => inner.TakeWindow();

    /// <summary>Features whose capture filled since the last check join the version's served reference, stored at once.</summary>
    private void TakeCaptured(Loaded loaded)
    {
        var full = capture.TakeFull(loaded.Version);
        if (full.Count == 0)
        {
            return;
        }

        loaded.Served = ServedDriftReference.Extend(loaded.Served, loaded.Version, time.GetUtcNow(), full, options);
        LogCaptured(loaded.Version, full.Count, loaded.Served.Features.Count);
        try
        {
            ServedDriftReference.Save(loaded.Served, Path.Combine(dataDir.ModelsPath, loaded.Version));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // It still serves as the reference in memory; only a restart would capture it again.
            LogNotStored(ex, loaded.Version);
        }
    }

    private Loaded Load(string version)
    {
        var folder = Path.Combine(dataDir.ModelsPath, version);
        ReferenceProfile? training = null, served = null;
        try
        {
            training = TrainingDriftReference.TryLoad(folder);
            if (training is null)
            {
                LogNoStoredReference(version);
            }
            else
            {
                LogLoaded(version, training.Features.Count);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            LogUnreadable(ex, version);
        }

        try
        {
            served = ServedDriftReference.TryLoad(folder);
            if (served is not null)
            {
                capture.MarkDone(version, served.Features.Select(f => f.Name));
                LogServedLoaded(version, served.Features.Count);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // Captured again from the next served slates.
            LogServedUnreadable(ex, version);
        }

        return new Loaded(version, training) { Served = served };
    }

    private sealed record Loaded(string Version, ReferenceProfile? Training)
    {
        public ReferenceProfile? Served { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift reference of serving version {Version} loaded: {Features} features")]
    private partial void LogLoaded(string version, int features);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving version {Version} has no stored drift reference; drift is checked against the one built from stored events")]
    private partial void LogNoStoredReference(string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift reference of serving version {Version} is unreadable; drift is checked against the one built from stored events")]
    private partial void LogUnreadable(Exception ex, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Served drift reference of version {Version} loaded: {Features} features")]
    private partial void LogServedLoaded(string version, int features);

    [LoggerMessage(Level = LogLevel.Error, Message = "Served drift reference of version {Version} is unreadable; it is captured again from served slates")]
    private partial void LogServedUnreadable(Exception ex, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Served drift reference of version {Version}: {New} features captured, {Total} in all")]
    private partial void LogCaptured(string version, int @new, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Served drift reference of version {Version} could not be stored; a restart captures it again")]
    private partial void LogNotStored(Exception ex, string version);
}
