namespace RecEngine.Catalog.Storage;

/// <summary>
/// A LiteDB file whose <see cref="Flush()"/> reaches stable storage (<c>fsync</c>, <see cref="FileStream.Flush(bool)"/>
/// with true): LiteDB calls Flush on the data file at each checkpoint, before it truncates the log, and
/// <see cref="RecEngineStore.Sync"/> calls it on the log after a commit. Unbuffered, so a write is in the OS the moment
/// it returns (survives kill -9) and the flush only has to move it to the disk (survives power loss).
/// Writes pass through <see cref="StorageFaults"/>, the tests' seam for a failing disk.
/// </summary>
internal sealed class DurableFileStream : Stream
{
    private readonly FileStream _file;
    private readonly StorageFaults _faults;

    public DurableFileStream(string path, StorageFaults faults)
    {
        // FileShare.Read: a backup may read the files; nobody else may write them (the store lock guards that too).
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        _faults = faults;
    }

    public string Path => _file.Name;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void Write(byte[] buffer, int offset, int count)
    {
        _faults.ThrowIfFailing(_file.Name, consumesWrite: true);
        _file.Write(buffer, offset, count);
    }

    public override void SetLength(long value)
    {
        _faults.ThrowIfFailing(_file.Name);
        _file.SetLength(value);
    }

    /// <summary>To stable storage, not only to the OS.</summary>
    public override void Flush()
    {
        _faults.ThrowIfFailing(_file.Name);
        _file.Flush(flushToDisk: true);
        _faults.CountSync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
