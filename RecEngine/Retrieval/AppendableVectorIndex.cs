namespace RecEngine.Retrieval;

/// <summary>
/// A built index plus a small exact side index of items added since the build (new uploads, items whose
/// vector changed), searched together until the next build replaces both. Adds publish a new immutable side
/// index atomically, so searches take no locks. A side entry overrides a built entry with the same id.
/// </summary>
internal sealed class AppendableVectorIndex : IVectorIndex
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

    /// <summary>The built index plus the side entries (ids, their vectors, the id set).</summary>
    public long MemoryBytes
    {
        get
        {
            var side = Volatile.Read(ref _side);
            return _built.MemoryBytes + (side.Ids.LongLength * ((Dimensions * sizeof(float)) + sizeof(long) + 24));
        }
    }

    /// <summary>Items in the side index.</summary>
    public int AppendedCount => Volatile.Read(ref _side).Ids.Length;

    /// <summary>Adds (or replaces) one item; copies the side index, so meant for a trickle (see <see cref="AddRange"/>).</summary>
    public void Add(long id, ReadOnlySpan<float> vector) => AddRange([id], vector);

    /// <summary>
    /// Adds (or replaces) items, <paramref name="vectors"/> row-major, in one copy of the side index: the way to
    /// load the videos uploaded since the build when a saved index is opened.
    /// </summary>
    public void AddRange(ReadOnlySpan<long> newIds, ReadOnlySpan<float> newVectors)
    {
        if (newVectors.Length != newIds.Length * Dimensions)
        {
            throw new ArgumentException($"Expected {newIds.Length} x {Dimensions} floats, got {newVectors.Length}.", nameof(newVectors));
        }

        lock (_writeLock)
        {
            var old = _side;
            var positions = new Dictionary<long, int>(old.Ids.Length + newIds.Length);
            for (var i = 0; i < old.Ids.Length; i++)
            {
                positions[old.Ids[i]] = i;
            }

            var ids = new List<long>(old.Ids);
            var vectors = new List<float>(old.Vectors);
            for (var i = 0; i < newIds.Length; i++)
            {
                var row = newVectors.Slice(i * Dimensions, Dimensions);
                if (positions.TryGetValue(newIds[i], out var at))
                {
                    for (var d = 0; d < Dimensions; d++)
                    {
                        vectors[(at * Dimensions) + d] = row[d];
                    }
                }
                else
                {
                    positions[newIds[i]] = ids.Count;
                    ids.Add(newIds[i]);
                    vectors.AddRange(row);
                }
            }

            var idArray = ids.ToArray();
            var vectorArray = vectors.ToArray();
            Volatile.Write(ref _side, new Side(idArray, vectorArray, new HashSet<long>(idArray), new ExactVectorIndex(idArray, vectorArray, Dimensions, parallel: false)));
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
