using System.Runtime.InteropServices;

namespace RecEngine.Hosting;

/// <summary>
/// Gives the C heap's free memory back to the system (glibc <c>malloc_trim(0)</c>): native memory a retired model
/// version freed (its ONNX Runtime session, its vector index) otherwise stays resident in the allocator's arenas.
/// Elsewhere (not Linux, or a C library without it) it does nothing.
/// </summary>
internal static partial class NativeHeapTrim
{
    /// <summary>True when memory was returned to the system.</summary>
    public static bool Run()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
