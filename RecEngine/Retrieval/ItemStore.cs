using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace RecEngine.Retrieval;

/// <summary>
/// The original (unaugmented) item vectors and ids behind an HNSW index, used to recompute exact inner
/// products. Held in pinned arrays after a build or load, or memory-mapped from the sidecar file for a view,
/// so a restart maps the file instead of reading it.
/// File layout (little-endian): 64-byte header (magic, version, dimensions, count, max norm),
/// ids as int64 at offset 64, then the row-major float32 matrix at a 64-byte aligned offset.
/// </summary>
internal sealed unsafe class ItemStore : IDisposable
{
    private const ulong Magic = 0x3158444956434552; // "RECVIDX1"
    private const int HeaderBytes = 64;

    private readonly long[]? _idArray;
    private readonly float[]? _vectorArray;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private bool _disposed;

    private ItemStore(long[] ids, float[] vectors, int dimensions, float maxNorm)
    {
        _idArray = ids;
        _vectorArray = vectors;
        Ids = (long*)Marshal.UnsafeAddrOfPinnedArrayElement(ids, 0);
        Vectors = (float*)Marshal.UnsafeAddrOfPinnedArrayElement(vectors, 0);
        Count = ids.Length;
        Dimensions = dimensions;
        MaxNorm = maxNorm;
    }

    private ItemStore(MemoryMappedFile file, MemoryMappedViewAccessor view, int count, int dimensions, float maxNorm)
    {
        _file = file;
        _view = view;
        byte* basePtr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        basePtr += view.PointerOffset;
        Ids = (long*)(basePtr + HeaderBytes);
        Vectors = (float*)(basePtr + VectorOffset(count));
        Count = count;
        Dimensions = dimensions;
        MaxNorm = maxNorm;
    }

    public long* Ids { get; }

    public float* Vectors { get; }

    public int Count { get; }

    public int Dimensions { get; }

    /// <summary>Largest item norm: the radius of the sphere the augmentation puts every item on.</summary>
    public float MaxNorm { get; }

    public long Bytes => VectorOffset(Count) + ((long)Count * Dimensions * sizeof(float));

    public ReadOnlySpan<float> Row(long row) => new(Vectors + (row * Dimensions), Dimensions);

    /// <summary>Copies ids and vectors into pinned arrays (the pinned object heap), so pointers stay valid.</summary>
    public static ItemStore Create(ReadOnlySpan<long> ids, ReadOnlySpan<float> vectors, int dimensions, float maxNorm)
    {
        var idArray = GC.AllocateUninitializedArray<long>(ids.Length, pinned: true);
        var vectorArray = GC.AllocateUninitializedArray<float>(vectors.Length, pinned: true);
        ids.CopyTo(idArray);
        vectors.CopyTo(vectorArray);
        return new ItemStore(idArray, vectorArray, dimensions, maxNorm);
    }

    public void Save(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write(1);
        writer.Write(Dimensions);
        writer.Write((long)Count);
        writer.Write(MaxNorm);
        writer.Write(new byte[HeaderBytes - 28]);
        writer.Write(new ReadOnlySpan<byte>(Ids, Count * sizeof(long)));
        writer.Write(new byte[VectorOffset(Count) - HeaderBytes - (Count * sizeof(long))]);
        var rowBytes = (long)Count * Dimensions * sizeof(float);
        for (long offset = 0; offset < rowBytes; offset += int.MaxValue / 2)
        {
            var chunk = (int)Math.Min(int.MaxValue / 2, rowBytes - offset);
            writer.Write(new ReadOnlySpan<byte>((byte*)Vectors + offset, chunk));
        }
    }

    public static ItemStore Open(string path, bool memoryMap)
    {
        int dimensions;
        int count;
        float maxNorm;
        using (var stream = File.OpenRead(path))
        using (var reader = new BinaryReader(stream))
        {
            if (reader.ReadUInt64() != Magic || reader.ReadInt32() != 1)
            {
                throw new InvalidDataException($"{path} is not a RecEngine item vector file.");
            }

            dimensions = reader.ReadInt32();
            count = checked((int)reader.ReadInt64());
            maxNorm = reader.ReadSingle();
            if (stream.Length < VectorOffset(count) + ((long)count * dimensions * sizeof(float)))
            {
                throw new InvalidDataException($"{path} is truncated.");
            }

            if (!memoryMap)
            {
                var ids = GC.AllocateUninitializedArray<long>(count, pinned: true);
                var vectors = GC.AllocateUninitializedArray<float>(checked(count * dimensions), pinned: true);
                stream.Position = HeaderBytes;
                stream.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));
                stream.Position = VectorOffset(count);
                stream.ReadExactly(MemoryMarshal.AsBytes(vectors.AsSpan()));
                return new ItemStore(ids, vectors, dimensions, maxNorm);
            }
        }

        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        return new ItemStore(file, view, count, dimensions, maxNorm);
    }

    private static long VectorOffset(int count) => (HeaderBytes + ((long)count * sizeof(long)) + 63) / 64 * 64;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file!.Dispose();
        }
    }
}
