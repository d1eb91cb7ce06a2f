using System.Runtime.InteropServices;

namespace RecEngine.Retrieval;

/// <summary>
/// P/Invoke declarations for the C API of <c>libusearch_c</c> (shipped in the Cloud.Unum.USearch package's
/// runtimes folder). The managed binding of that package grows capacity inside Add and binds neither reserve,
/// the thread-slot limits nor the search expansion; the C API has all of them, so the index talks to it directly.
/// Every function reports failure through a <c>char const**</c> out-parameter that must start as null.
/// </summary>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    internal enum MetricKind
    {
        Unknown = 0,
        Cosine = 1,
        InnerProduct = 2,
        L2Squared = 3,
    }

    internal enum ScalarKind
    {
        Unknown = 0,
        Float32 = 1,
        Float64 = 2,
        Float16 = 3,
        Int8 = 4,
    }

    /// <summary>Mirrors <c>usearch_init_options_t</c> (sequential layout, size_t as nuint, C bool as byte).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public MetricKind Metric;
        public nint CustomMetric;
        public ScalarKind Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static partial nint Init(InitOptions* options, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(nint index, nuint capacity, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    internal static partial void ChangeThreadsAdd(nint index, nuint threads, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    internal static partial void ChangeThreadsSearch(nint index, nuint threads, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(nint index, nuint expansion, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static partial void Add(nint index, ulong key, float* vector, ScalarKind kind, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static partial nuint Search(nint index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    internal static partial nuint Dimensions(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    internal static partial nuint MemoryUsage(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_serialized_length")]
    internal static partial nuint SerializedLength(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Save(nint index, string path, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Load(nint index, string path, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_view", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void View(nint index, string path, nint* error);

    /// <summary>Throws when a call left an error message behind.</summary>
    internal static void Check(nint error, string operation)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"usearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
