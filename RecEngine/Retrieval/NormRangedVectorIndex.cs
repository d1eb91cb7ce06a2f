using System.Buffers;
using System.Numerics.Tensors;
using System.Text.Json;

namespace RecEngine.Retrieval;

/// <summary>
/// Norm-ranging for maximum inner-product search (Yan et al. 2018, "Norm-Ranging LSH for Maximum Inner Product
/// Search", NeurIPS): items are split by norm into bands of equal size, and each band gets its own
/// <see cref="HnswVectorIndex"/> with the Bachrach augmentation against that band's own maximum norm. One global
/// maximum makes the extra coordinate large for every item well below it, which squeezes those items together near
/// one pole of the sphere and leaves the graph to navigate mostly by norm (docs/decisions/0003);
/// within a narrow band the augmentation barely moves the items, so the graph follows direction.
/// A query searches the bands from the largest norms down and stops once its k-th best score reaches the band's
/// bound |q| * maxNorm (Cauchy-Schwarz), which no item of that band or any later one can beat. Bands after the
/// first are asked for a few results and widened only while all of them enter the top k, because HNSW's cost grows
/// with the number of results asked (usearch explores max(efSearch, k)).
/// </summary>
internal sealed class NormRangedVectorIndex : IVectorIndex, IPersistentVectorIndex
{
    /// <summary>The fewest results asked of a band below the first.</summary>
    private const int MinimumAsk = 16;

    private readonly HnswVectorIndex[] _bands;

    private NormRangedVectorIndex(HnswVectorIndex[] bands)
    {
        _bands = bands;
    }

    public int Count => _bands.Sum(b => b.Count);

    public int Dimensions => _bands[0].Dimensions;

    public int Bands => _bands.Length;

    public long IndexBytes => _bands.Sum(b => b.IndexBytes);

    public long NativeBytes => _bands.Sum(b => b.NativeBytes);

    public long MemoryBytes => NativeBytes + OwnItemBytes;

    public long OwnItemBytes => _bands.Sum(b => b.OwnItemBytes);

    /// <summary>
    /// Builds <paramref name="bands"/> indexes over the items sorted by norm (fewer when there are few items). The
    /// array is not copied: every band re-scores from it, so the caller must not change it while the index lives.
    /// </summary>
    public static NormRangedVectorIndex Build(ReadOnlySpan<long> ids, float[] vectors, int dimensions, int bands, VectorIndexOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        if ((long)ids.Length * dimensions != vectors.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {vectors.Length}.", nameof(vectors));
        }

        return Build(ids, ItemFactorStore.Of(vectors, dimensions), bands, options);
    }

    /// <summary>Builds <paramref name="bands"/> indexes over the rows of <paramref name="store"/>, re-scored from it.</summary>
    public static NormRangedVectorIndex Build(ReadOnlySpan<long> ids, ItemFactorStore store, int bands, VectorIndexOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        var items = ItemVectors.ByIds(ids, store);
        var norms = new float[ids.Length];
        var buffer = new float[store.Factors];
        for (var row = 0; row < ids.Length; row++)
        {
            norms[row] = TensorPrimitives.Norm(store.Row(row, buffer));
        }

        var order = Enumerable.Range(0, ids.Length).ToArray();
        Array.Sort(norms.ToArray(), order);
        Array.Reverse(order);
        bands = Math.Max(1, Math.Min(bands, ids.Length));
        var built = new List<HnswVectorIndex>(bands);
        try
        {
            for (var b = 0; b < bands; b++)
            {
                var from = (int)((long)ids.Length * b / bands);
                var to = (int)((long)ids.Length * (b + 1) / bands);
                var bandIds = new long[to - from];
                for (var i = from; i < to; i++)
                {
                    bandIds[i - from] = ids[order[i]];
                }

                built.Add(HnswVectorIndex.Build(bandIds, items, options));
            }

            return new NormRangedVectorIndex([.. built]);
        }
        catch
        {
            built.ForEach(b => b.Dispose());
            throw;
        }
    }

    /// <summary>Opens an index written by <see cref="Save"/>: the band list at <paramref name="path"/>, each band beside it, re-scored from <paramref name="vectors"/>.</summary>
    public static NormRangedVectorIndex Open(string path, ItemVectors vectors, VectorIndexOptions options, bool memoryMap)
    {
        var bands = JsonSerializer.Deserialize<BandList>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} is not a norm-ranged index.");
        var opened = new List<HnswVectorIndex>(bands.Bands);
        try
        {
            for (var b = 0; b < bands.Bands; b++)
            {
                opened.Add(HnswVectorIndex.Open(BandPath(path, b), vectors, options, memoryMap));
            }

            return new NormRangedVectorIndex([.. opened]);
        }
        catch
        {
            opened.ForEach(b => b.Dispose());
            throw;
        }
    }

    /// <summary>Whether <paramref name="path"/> holds a band list rather than a single usearch graph.</summary>
    public static bool IsNormRanged(string path) => File.Exists(BandPath(path, 0));

    public void Save(string path)
    {
        for (var b = 0; b < _bands.Length; b++)
        {
            _bands[b].Save(BandPath(path, b));
        }

        File.WriteAllText(path, JsonSerializer.Serialize(new BandList(_bands.Length)));
    }

    public void ChangeExpansionSearch(int expansion)
    {
        foreach (var band in _bands)
        {
            band.ChangeExpansionSearch(expansion);
        }
    }

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        var k = Math.Min(destination.Length, Count);
        if (k == 0)
        {
            return 0;
        }

        var queryNorm = TensorPrimitives.Norm(query);
        var heap = new TopK(k);
        var hits = ArrayPool<VectorHit>.Shared.Rent(k);
        try
        {
            foreach (var band in _bands)
            {
                if (heap.Count == k && heap.Threshold >= queryNorm * band.MaxNorm)
                {
                    break;
                }

                SearchBand(band, query, k, ref heap, hits);
            }
        }
        finally
        {
            ArrayPool<VectorHit>.Shared.Return(hits);
        }

        return heap.CopySorted(destination);
    }

    /// <summary>
    /// A band below the first usually adds a few items to a full top k: ask it for a few, and widen only while every
    /// answer still beats the current k-th score (then more of this band might too). Only a widened ask can return
    /// an item again, so only then are the ids already taken remembered.
    /// </summary>
    private static void SearchBand(HnswVectorIndex band, ReadOnlySpan<float> query, int k, ref TopK heap, VectorHit[] hits)
    {
        var want = heap.Count < k ? k : Math.Min(k, Math.Max(MinimumAsk, k / 8));
        HashSet<long>? taken = null;
        while (true)
        {
            want = Math.Min(want, band.Count);
            var found = band.Search(query, hits.AsSpan(0, want));
            var beating = 0;
            for (var i = 0; i < found; i++)
            {
                if (hits[i].Score > heap.Threshold)
                {
                    beating++;
                }

                if (taken is null || !taken.Contains(hits[i].Id))
                {
                    heap.Add(hits[i].Id, hits[i].Score);
                }
            }

            if (beating < found || found < want || want >= Math.Min(k, band.Count))
            {
                return;
            }

            taken ??= new HashSet<long>(k);
            for (var i = 0; i < found; i++)
            {
                taken.Add(hits[i].Id);
            }

            want = Math.Min(k, want * 4);
        }
    }

    public void Dispose()
    {
        foreach (var band in _bands)
        {
            band.Dispose();
        }
    }

    private static string BandPath(string path, int band) => $"{path}.band{band}";

    private sealed record BandList(int Bands);
}
