namespace RecEngine.Monitoring;

/// <summary>Features whose state changed in one check, with the report that changed them.</summary>
internal sealed record DriftStateChange(DriftState Previous, DriftState Current, IReadOnlyList<FeatureStateChange> Features, DriftReport Report);

internal sealed record FeatureStateChange(string Feature, DriftState Previous, DriftState Current);

/// <summary>
/// Told by <see cref="DriftMonitor"/> when a check changes the state of any feature (the retraining
/// trigger listens here). Called on the monitor's thread; keep it short and do not throw.
/// </summary>
internal interface IDriftListener
{
    void OnDriftStateChanged(DriftStateChange change);
}
