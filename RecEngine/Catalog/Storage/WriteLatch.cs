namespace RecEngine.Catalog.Storage;

/// <summary>
/// Shared by the data and log files of one open store: the first failed write, resize or flush closes it, and from then
/// on nothing more reaches either file until the store reopens (with new files and a new latch).
/// <para>
/// Why: LiteDB 5.0.21 closes its engine when a write throws mid-commit, and the transaction it leaves behind has pages
/// half moved to its cache; that transaction's finalizer then throws ("discarded page must be writable") and ends the
/// process. So the files never throw into LiteDB: after a failure they drop writes silently, the commit completes in
/// memory, and <see cref="RecEngineStore.Sync"/> (the flush before any acknowledgement) throws instead. The request is
/// answered 503, the engine that holds the unflushed commit is abandoned, and the store reopens from the files, which
/// hold nothing written after the failure: LiteDB's log recovery drops the torn transaction.
/// </para>
/// </summary>
internal sealed class WriteLatch
{
    private volatile IOException? _failure;

    public IOException? Failure => _failure;

    public void Fail(IOException ex) => _failure ??= ex;

    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new IOException(failure.Message, failure);
        }
    }
}
