namespace RecEngine.Catalog.Storage;

/// <summary>
/// A LiteDB file whose flushes reach stable storage (<c>fsync</c>, <see cref="FileStream.Flush(bool)"/> with true):
/// LiteDB calls <see cref="Flush()"/> on the data file at each checkpoint, before it truncates the log, and
/// <see cref="RecEngineStore.Sync"/> calls <see cref="FlushToStableStorage"/> on the log after a commit. Unbuffered, so
/// a write is in the OS the moment it returns (survives kill -9) and the flush only has to move it to the disk
/// (survives power loss). Writes pass through <see cref="StorageFaults"/>, the tests' seam for a failing disk; a
/// failure closes the <see cref="WriteLatch"/> instead of reaching LiteDB (see there why).
/// </summary>
internal sealed class DurableFileStream : Stream
{
    private readonly FileStream _file;
    private readonly StorageFaults _faults;
    private readonly WriteLatch _latch;
    private volatile bool _closed;

    public DurableFileStream(string path, StorageFaults faults, WriteLatch latch)
    {
        // FileShare.Read: a backup may read the files; nobody else may write them (the store lock guards that too).
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        _faults = faults;
        _latch = latch;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    // All I/O goes through the handle (RandomAccess): FileStream may cache the length of a file it does not share for
    // writing, which writes through the handle would leave stale.
    public override long Length => _closed ? 0 : RandomAccess.GetLength(_file.SafeFileHandle);

    public override long Position { get; set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // An abandoned engine (after a failure) may still read: it finds nothing rather than an exception.
        if (_closed)
        {
            return 0;
        }

        var read = RandomAccess.Read(_file.SafeFileHandle, buffer.AsSpan(offset, count), Position);
        Position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => Length + offset,
    };

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Guard(() =>
        {
            _faults.ThrowIfFailing(_file.Name, consumesWrite: true);
            RandomAccess.Write(_file.SafeFileHandle, buffer.AsSpan(offset, count), Position);
        }))
        {
            Position += count;
        }
    }

    public override void SetLength(long value) => Guard(() =>
    {
        _faults.ThrowIfFailing(_file.Name);
        RandomAccess.SetLength(_file.SafeFileHandle, value);
    });

    /// <summary>LiteDB's flush (at a checkpoint): to stable storage; after a failure, nothing (the latch reports it).</summary>
    public override void Flush() => Guard(Fsync);

    /// <summary>Every write so far on stable storage, or an <see cref="IOException"/> if any write or flush failed since the store opened.</summary>
    public void FlushToStableStorage()
    {
        _latch.ThrowIfFailed();
        if (!Guard(Fsync))
        {
            _latch.ThrowIfFailed();
        }
    }

    /// <summary>No more reads or writes reach the file (the engine that uses it is abandoned); then closes it.</summary>
    public void Retire()
    {
        _closed = true;
        _file.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Retire();
        }

        base.Dispose(disposing);
    }

    private void Fsync()
    {
        _faults.ThrowIfFailing(_file.Name);
        _file.Flush(flushToDisk: true);
        _faults.CountSync();
    }

    /// <summary>Runs a mutation unless the latch is closed; a failure closes it. True when it ran and succeeded.</summary>
    private bool Guard(Action mutation)
    {
        if (_closed || _latch.Failure is not null)
        {
            return false;
        }

        try
        {
            mutation();
            return true;
        }
        catch (IOException ex)
        {
            _latch.Fail(ex);
            return false;
        }
    }
}
