namespace RecEngine.Hosting;

/// <summary>
/// fsync of a directory, so a file created or renamed in it survives power loss (POSIX keeps the name in the
/// directory, which has its own metadata to flush). .NET has no API for it; opening a directory read-only and
/// calling fsync on it is the documented way on Linux. Windows has no equivalent need (NTFS journals the rename).
/// </summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Native.open(directory, Native.O_RDONLY | Native.O_DIRECTORY);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            // EINVAL: the file system cannot flush a directory (some network and FUSE file systems); nothing to do.
            if (Native.fsync(fd) != 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() is var errno && errno != Native.EINVAL)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {errno}).");
            }
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    /// <summary>Writes a file's content to stable storage (the file must exist).</summary>
    public static void FlushFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Every file under <paramref name="root"/> and every directory, deepest first, then the root itself.</summary>
    public static void FlushTree(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            FlushFile(file);
        }

        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            Flush(dir);
        }

        Flush(root);
    }

    private static partial class Native
    {
        public const int O_RDONLY = 0;

        public const int EINVAL = 22;

        // Linux; macOS uses 0x100000.
        public static int O_DIRECTORY => OperatingSystem.IsMacOS() ? 0x100000 : 0x10000;

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
        public static partial int open(string path, int flags);

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
        public static partial int fsync(int fd);

        [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
        public static partial int close(int fd);
    }
}
