using RecEngine.Events;

namespace RecEngine.Tests.Events;

/// <summary>
/// Holds the event writer inside its first commit (listeners run there) until the test opens it; bounded by
/// <paramref name="hangGuard"/>, so a failing test cannot hang the writer (and the test run) for ever.
/// </summary>
internal sealed class CommitGate(TimeSpan hangGuard) : IEventCommitListener, IDisposable
{
    private readonly ManualResetEventSlim _open = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public void Open() => _open.Set();

    public void OnCommitted(IReadOnlyList<InteractionEvent> events)
    {
        _entered.TrySetResult();
        _open.Wait(hangGuard);
    }

    public void Dispose() => _open.Dispose();
}
