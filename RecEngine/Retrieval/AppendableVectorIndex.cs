namespace RecEngine.Retrieval;

/// <summary>
/// A built index plus a small exact side index of items added since the build (new uploads, items whose
/// vector changed), searched together until the next build replaces both. Adds publish a new immutable side
/// index atomically, so searches take no locks. A side entry overrides a built entry with the same id.
/// </summary>
public sealed class AppendableVectorIndex : IVectorIndex
{
    private readonly IVectorIndex _built;
    private readonly Lock _writeLock = new();
    private Side _side;

    public AppendableVectorIndex(IVectorIndex built)
    {
        _built = built;
        _side = new Side([], [], new HashSet<long>(), new ExactVectorIndex([], [], built.Dimensions, parallel: false));
    }

    public int Count => _built.Count + Volatile.Read(ref _side).Ids.Length;

    public int Dimensions => _built.Dimensions;

    /// <summary>Items in the side index.</summary>
    public int AppendedCount => Volatile.Read(ref _side).Ids.Length;

    /// <summary>Adds (or replaces) one item; copies the side index, so meant for a trickle, not a bulk load.</summary>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Vector has {vector.Length} dimensions, the index {Dimensions}.", nameof(vector));
        }

        lock (_writeLock)
        {
            var old = _side;
            var at = Array.IndexOf(old.Ids, id);
            long[] ids;
            float[] vectors;
            if (at >= 0)
            {
                ids = old.Ids;
                vectors = (float[])old.Vectors.Clone();
            }
            else
            {
                at = old.Ids.Length;
                ids = [.. old.Ids, id];
                vectors = new float[ids.Length * Dimensions];
                old.Vectors.CopyTo(vectors, 0);
            }

            vector.CopyTo(vectors.AsSpan(at * Dimensions, Dimensions));
            var set = new HashSet<long>(ids);
            Volatile.Write(ref _side, new Side(ids, vectors, set, new ExactVectorIndex(ids, vectors, Dimensions, parallel: false)));
        }
    }

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        var side = Volatile.Read(ref _side);
        var k = destination.Length;
        if (side.Ids.Length == 0)
        {
            return _built.Search(query, destination);
        }

        // Over-fetch from the built index by the number of overridden ids it may return.
        var builtHits = _built.Search(query, Math.Min(_built.Count, k + side.Ids.Length));
        var sideHits = side.Index.Search(query, k);
        var heap = new TopK(k);
        foreach (var hit in builtHits)
        {
            if (!side.IdSet.Contains(hit.Id))
            {
                heap.Add(hit.Id, hit.Score);
            }
        }

        foreach (var hit in sideHits)
        {
            heap.Add(hit.Id, hit.Score);
        }

        return heap.CopySorted(destination);
    }

    /// <summary>Disposes the built index too: this object owns it.</summary>
    public void Dispose() => _built.Dispose();

    private sealed record Side(long[] Ids, float[] Vectors, HashSet<long> IdSet, ExactVectorIndex Index);
}
