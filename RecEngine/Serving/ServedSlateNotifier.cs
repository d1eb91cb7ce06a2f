
namespace RecEngine.Serving;

/// <summary>
/// Tells every registered <see cref="IServedSlateListener"/> of a served slate. A listener that throws is logged and
/// counted, and the others (and the request) carry on.
/// </summary>
internal sealed partial class ServedSlateNotifier(IEnumerable<IServedSlateListener> listeners, ILogger<ServedSlateNotifier> logger)
{
    private readonly IServedSlateListener[] _listeners = listeners.ToArray();

    /// <summary>False when nobody listens, so the pipeline can skip building the feature sample.</summary>
    public bool HasListeners => _listeners.Length > 0;

    public void Notify(ServedSlate slate)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnServed(slate);
            }
            catch (Exception ex)
            {
                Failed(listener.GetType().Name, ex);
            }
        }
    }

    /// <summary>Counts and logs a failure on the listeners' behalf (also used when the feature sample for them fails).</summary>
    public void Failed(string listener, Exception ex)
    {
        ServingMetrics.ListenerFailures.WithLabels(listener).Inc();
        LogListenerFailed(ex, listener);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Served-slate listener {Listener} failed")]
    private partial void LogListenerFailed(Exception ex, string listener);
}
