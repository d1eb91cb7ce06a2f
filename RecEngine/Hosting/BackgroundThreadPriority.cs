using System.Runtime.InteropServices;

namespace RecEngine.Hosting;

/// <summary>
/// Lowers the calling thread's CPU priority (Linux nice value, per thread) so background work (a retraining, the
/// user-feature warm-up) yields the cores to request threads whenever both want them. .NET's <c>Thread.Priority</c> does nothing on Linux; <c>setpriority</c>
/// on the thread id does, and raising one's own nice value needs no privilege. Elsewhere it does nothing.
/// </summary>
internal static partial class BackgroundThreadPriority
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value; false where that is not possible (not Linux, or refused).</summary>
    public static bool Lower(int nice)
    {
        if (!OperatingSystem.IsLinux() || nice <= 0)
        {
            return false;
        }

        try
        {
            return SetPriority(PrioProcess, GetThreadId(), nice) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
