namespace RecEngine.Hosting;

/// <summary>
/// Estimates of what managed objects take on the 64-bit CLR, for <c>recengine_memory_bytes</c>: a 16-byte object
/// header and method table pointer, arrays with an 8-byte length, everything padded to 8 bytes. Estimates, not
/// measurements: RESULTS.md sets them beside a heap dump of the same process.
/// </summary>
internal static class ManagedSize
{
    private const long ObjectHeader = 16;
    private const long ArrayHeader = 24;

    public static long OfString(string? value) => value is null ? 0 : Align(ObjectHeader + sizeof(int) + (2L * (value.Length + 1)));

    public static long OfArray(long length, int elementBytes) => Align(ArrayHeader + (length * elementBytes));

    /// <summary>An array of references plus every string it holds (each counted once per slot, so shared strings are over-counted).</summary>
    public static long Strings(IReadOnlyList<string?> values)
    {
        var bytes = OfArray(values.Count, sizeof(long));
        foreach (var value in values)
        {
            bytes += OfString(value);
        }

        return bytes;
    }

    /// <summary>A Dictionary or HashSet of <paramref name="count"/> entries of <paramref name="entryBytes"/> each (hash, next, key, value), with its int buckets.</summary>
    public static long HashTable(long count, int entryBytes) => OfArray(count, entryBytes) + OfArray(count, sizeof(int)) + 80;

    /// <summary>A ConcurrentDictionary: one node object per entry (key, value, next, hash) plus the bucket array.</summary>
    public static long ConcurrentTable(long count, int keyValueBytes) => (count * Align(ObjectHeader + keyValueBytes + sizeof(long) + sizeof(int))) + OfArray(count, sizeof(long) * 2) + 200;

    private static long Align(long bytes) => (bytes + 7) & ~7L;
}
