namespace RecEngine.Hosting;

/// <summary>
/// Runs a start-up step again when it throws, after each of a list of delays, and gives up after the last. A step
/// that reads the whole store can fail once for a reason that does not repeat (LiteDB 5.0.x readers racing on a store
/// larger than its page cache read garbage: LiteDB issue 2817), and a server that gave up on its model at start would
/// stay unready until restarted.
/// </summary>
internal static class StartupRetry
{
    /// <summary>The waits before the second to fifth attempts: about a minute in all.</summary>
    public static readonly IReadOnlyList<TimeSpan> Delays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <summary>
    /// Runs <paramref name="step"/> on the thread pool until it returns, at most <paramref name="delays"/>.Count + 1
    /// times. Before each retry <paramref name="retrying"/> gets the failure, the number of the attempt that failed and
    /// the wait; after the last failure <paramref name="failed"/> gets it and the result is false. Cancellation ends
    /// the attempts (OperationCanceledException is not retried).
    /// </summary>
    public static async Task<bool> RunAsync(
        Action step,
        IReadOnlyList<TimeSpan> delays,
        TimeProvider time,
        Action<Exception, int, TimeSpan> retrying,
        Action<Exception> failed,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Task.Run(step, cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt >= delays.Count)
                {
                    failed(ex);
                    return false;
                }

                retrying(ex, attempt + 1, delays[attempt]);
                await Task.Delay(delays[attempt], time, cancellationToken);
            }
        }
    }
}
