namespace RecEngine.Hosting;

/// <summary>One compacting, decommitting garbage collection, large objects included: gives back the free space a bulk load leaves scattered through the heap.</summary>
internal static class HeapCompaction
{
    /// <summary>Runs it (one blocking pause) and returns the heap size before and after, and the pause.</summary>
    public static (double BeforeMb, double AfterMb, double Milliseconds) Run()
    {
        var before = GC.GetGCMemoryInfo().HeapSizeBytes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return (before / 1048576.0, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, clock.Elapsed.TotalMilliseconds);
    }
}
