namespace RecEngine.Serving;

/// <summary>
/// The snapshot requests read. Readers take no lock: they read the reference once per request. Replacing it
/// (promotion, retraining) and disposing the old one after in-flight requests drain belong to the registry work.
/// </summary>
public sealed class ServingState : IDisposable
{
    private volatile ServingSnapshot? _current;

    public ServingSnapshot? Current => _current;

    public void Publish(ServingSnapshot snapshot) => _current = snapshot;

    public void Dispose() => _current?.Dispose();
}
