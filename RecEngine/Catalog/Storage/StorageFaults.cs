namespace RecEngine.Catalog.Storage;

/// <summary>
/// The seam where tests make the store's files fail as a full disk does (<see cref="FailWrites"/>), and where the
/// store counts its flushes to stable storage. One per process (a singleton); production never sets
/// <see cref="FailWrites"/>.
/// </summary>
internal sealed class StorageFaults
{
    private long _syncs;
    private long _writesLeft = long.MaxValue;

    /// <summary>While true, every write, resize and flush of the store's files throws an <see cref="IOException"/> (ENOSPC).</summary>
    public bool FailWrites
    {
        get => Interlocked.Read(ref _writesLeft) <= 0;
        set => Interlocked.Exchange(ref _writesLeft, value ? 0 : long.MaxValue);
    }

    /// <summary>Lets <paramref name="writes"/> more page writes through, then fails like <see cref="FailWrites"/>: a commit torn part-way.</summary>
    public void FailAfterWrites(int writes) => Interlocked.Exchange(ref _writesLeft, writes);

    /// <summary>Flushes to stable storage (fsync) so far.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    internal void ThrowIfFailing(string path, bool consumesWrite = false)
    {
        var left = Interlocked.Read(ref _writesLeft);
        if (left == long.MaxValue)
        {
            return;
        }

        if (consumesWrite ? Interlocked.Decrement(ref _writesLeft) < 0 : left <= 0)
        {
            throw new IOException($"No space left on device: '{path}' (injected storage fault).", unchecked((int)0x8007_0070));
        }
    }

    internal void CountSync() => Interlocked.Increment(ref _syncs);
}
