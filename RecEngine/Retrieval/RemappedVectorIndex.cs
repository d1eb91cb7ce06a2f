namespace RecEngine.Retrieval;

/// <summary>
/// An index built over one numbering of items (the catalog rows at training time) searched in another (the rows
/// of the catalog now): each hit's id goes through <c>map</c>; items mapped to -1 (videos gone from the catalog)
/// are dropped, and the inner index is over-fetched by their number so k results still come back.
/// Lets a saved index serve a catalog that has changed since training, without a rebuild.
/// </summary>
internal sealed class RemappedVectorIndex : IVectorIndex
{
    private readonly IVectorIndex _inner;
    private readonly long[] _map;
    private readonly int _dropped;

    /// <param name="inner">Owned: disposed with this index.</param>
    /// <param name="map">New id for each inner id (inner ids are 0..map.Length-1), or -1 to drop it.</param>
    public RemappedVectorIndex(IVectorIndex inner, long[] map)
    {
        if (map.Length != inner.Count)
        {
            throw new ArgumentException($"The map has {map.Length} entries, the index {inner.Count} items.", nameof(map));
        }

        _inner = inner;
        _map = map;
        _dropped = map.Count(id => id < 0);
    }

    public int Count => _inner.Count - _dropped;

    public int Dimensions => _inner.Dimensions;

    public long MemoryBytes => _inner.MemoryBytes + (_map.LongLength * sizeof(long));

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        var hits = _inner.Search(query, Math.Min(_inner.Count, destination.Length + _dropped));
        var written = 0;
        foreach (var hit in hits)
        {
            var id = _map[hit.Id];
            if (id < 0)
            {
                continue;
            }

            destination[written++] = new VectorHit(id, hit.Score);
            if (written == destination.Length)
            {
                break;
            }
        }

        return written;
    }

    public void Dispose() => _inner.Dispose();
}
