namespace RecEngine.Hosting;

/// <summary>
/// Exclusive hold of a data directory for the life of one process. On Linux and macOS .NET takes an
/// advisory <c>flock</c> for <see cref="FileShare.None"/>, so a second process (or a second open in this
/// one) fails fast instead of corrupting the LiteDB file.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    public static StoreLock Acquire(DataDirectory dataDir)
    {
        dataDir.EnsureExists();
        try
        {
            var stream = new FileStream(dataDir.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return new StoreLock(stream);
        }
        catch (IOException ex)
        {
            throw new StoreLockedException(dataDir, ReadServerInfo(dataDir), ex);
        }
    }

    /// <summary>The URL a running server wrote when it started listening, if any.</summary>
    public static string? ReadServerInfo(DataDirectory dataDir)
    {
        try
        {
            return File.Exists(dataDir.ServerInfoPath) ? File.ReadAllText(dataDir.ServerInfoPath).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}

internal sealed class StoreLockedException(DataDirectory dataDir, string? serverUrl, Exception inner)
    : Exception(
        $"The data directory '{dataDir.Root}' is in use by another RecEngine process" +
        (string.IsNullOrEmpty(serverUrl) ? "." : $" (a server listening on {serverUrl}).") +
        " One process opens the store at a time.", inner)
{
    public string? ServerUrl { get; } = serverUrl;
}
