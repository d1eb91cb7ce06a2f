namespace RecEngine.Monitoring;

/// <summary>
/// Where <see cref="DriftMonitor"/> gets its inputs: the reference profile of the serving model and the
/// live window since the last check. Serving provides the real one (feature samples from the impression
/// log); <see cref="InMemoryDriftDataSource"/> is the default and what tests drive.
/// </summary>
internal interface IDriftDataSource
{
    /// <summary>The reference of the model now serving; null until one is known.</summary>
    ReferenceProfile? Reference { get; }

    /// <summary>Returns the window gathered since the previous call and starts a new one.</summary>
    LiveWindow TakeWindow();
}
