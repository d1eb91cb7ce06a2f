namespace RecEngine.Retrieval;

/// <summary>One search result: the item's id and its inner product with the query.</summary>
internal readonly record struct VectorHit(long Id, float Score);

/// <summary>
/// Maximum-inner-product search over item vectors. Implementations are immutable once built and safe for
/// any number of concurrent searches; whoever holds one disposes it.
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>Number of items in the index.</summary>
    int Count { get; }

    /// <summary>Length of every item and query vector.</summary>
    int Dimensions { get; }

    /// <summary>
    /// Writes the top <c>destination.Length</c> items by inner product with <paramref name="query"/> into
    /// <paramref name="destination"/>, best first, and returns how many it wrote.
    /// </summary>
    int Search(ReadOnlySpan<float> query, Span<VectorHit> destination);

    /// <summary>
    /// Bytes the index itself holds in memory or maps: graphs, its own vector copies, id maps, side entries. Not the
    /// caller's item vectors it scores from (counted where they are owned).
    /// </summary>
    long MemoryBytes { get; }
}

internal static class VectorIndexExtensions
{
    /// <summary>The top <paramref name="k"/> items by inner product, best first.</summary>
    public static VectorHit[] Search(this IVectorIndex index, ReadOnlySpan<float> query, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var buffer = new VectorHit[Math.Min(k, index.Count)];
        var n = index.Search(query, buffer);
        return n == buffer.Length ? buffer : buffer[..n];
    }
}
