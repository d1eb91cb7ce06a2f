using System.Buffers;
using System.Numerics.Tensors;
using System.Text.Json;

namespace RecEngine.Retrieval;

/// <summary>
/// Norm-ranging for maximum inner-product search (Yan et al. 2018, "Norm-Ranging LSH for Maximum Inner Product
/// Search", NeurIPS): items are split into bands by norm, and each band gets its own <see cref="HnswVectorIndex"/>
/// with the Bachrach augmentation against that band's own maximum norm. One maximum for items of very different norms
/// makes the extra coordinate large for every item well below it, which squeezes those items together near one pole
/// of the sphere and leaves the graph to navigate mostly by norm (docs/decisions/0003); within a narrow band the
/// augmentation barely moves the items, so the graph follows direction. A band ends where the norms fall below its
/// largest over <see cref="VectorIndexOptions.NormRatio"/>, so the bands follow the norms' spread rather than their
/// count: learned factors are long-tailed (at a million videos the largest norm is 500 times the median), and bands of
/// equal size left the first band as wide as the whole catalog. Items under <see cref="FloorFraction"/> of the largest
/// norm share one last band.
/// A query searches the bands from the largest norms down and stops once its k-th best score reaches the band's
/// bound |q| * maxNorm (Cauchy-Schwarz), which no item of that band or any later one can beat. Bands after the
/// first are asked for a few results and widened only while all of them enter the top k, because HNSW's cost grows
/// with the number of results asked (usearch explores max(efSearch, k)). A band of fewer items than
/// <see cref="VectorIndexOptions.ExactBandBelow"/> has no graph: its items are scored exactly, which at that size costs
/// less than a graph search and misses nothing. With <see cref="BandKind.InvertedFile"/> a large band is an
/// <see cref="InvertedFileBand"/> instead of a graph: at k=500 a graph search explores at least k nodes whatever the
/// band's size, while a few k-means lists of about 250 rows hold the band's best rows for a query (docs/decisions/0003).
/// </summary>
internal sealed class NormRangedVectorIndex : IVectorIndex, IPersistentVectorIndex
{
    /// <summary>
    /// Items whose norm is under this fraction of the largest share the last band, which bounds the number of bands
    /// (at most log(1/fraction)/log(ratio) + 1). Their scores are at most a thousandth of the best possible, so a
    /// query reaches them only when the larger bands leave its top k short or score below zero.
    /// </summary>
    public const float FloorFraction = 1e-3f;

    /// <summary>The fewest results asked of a band below the first.</summary>
    private const int MinimumAsk = 16;

    private readonly Band[] _bands;
    private readonly ItemVectors _vectors;
    private int _probedLists;

    private NormRangedVectorIndex(Band[] bands, ItemVectors vectors, int probedLists)
    {
        _bands = bands;
        _vectors = vectors;
        _probedLists = probedLists;
        Dimensions = vectors.Dimensions;
    }

    public int Count => _bands.Sum(b => b.Count);

    public int Dimensions { get; }

    public int Bands => _bands.Length;

    /// <summary>Bands scanned exactly (fewer items than <see cref="VectorIndexOptions.ExactBandBelow"/>).</summary>
    public int ExactBands => _bands.Count(b => b.Scanned is not null);

    /// <summary>Bands searched through an inverted file (<see cref="BandKind.InvertedFile"/>).</summary>
    public int InvertedBands => _bands.Count(b => b.Inverted is not null);

    /// <summary>Lists an inverted-file band reads a query.</summary>
    public int ProbedLists => _probedLists;

    public long IndexBytes => _bands.Sum(b => b.Graph?.IndexBytes ?? b.HeldBytes);

    public long NativeBytes => _bands.Sum(b => b.Graph?.NativeBytes ?? 0);

    public long MemoryBytes => NativeBytes + OwnItemBytes;

    /// <summary>The graphs' own item bytes (older format), the scanned bands' ids and vector copies, and the inverted files' 8-bit rows, ids and centroids.</summary>
    public long OwnItemBytes => _bands.Sum(b => b.Graph?.OwnItemBytes ?? b.HeldBytes);

    /// <summary>
    /// Builds the index over the row-major <paramref name="vectors"/>: one band when every norm lies within the
    /// options' ratio of the largest (a plain <see cref="HnswVectorIndex"/> when bands are graphs), norm bands otherwise. The array is not
    /// copied: every band re-scores from it, so the caller must not change it while the index lives.
    /// </summary>
    public static IPersistentVectorIndex Build(ReadOnlySpan<long> ids, float[] vectors, int dimensions, VectorIndexOptions options)
    {
        if ((long)ids.Length * dimensions != vectors.Length)
        {
            throw new ArgumentException($"Expected {ids.Length} x {dimensions} floats, got {vectors.Length}.", nameof(vectors));
        }

        return Build(ids, ItemFactorStore.Of(vectors, dimensions), options);
    }

    /// <summary>The same over the rows of <paramref name="store"/> (ids one per row), re-scored from it.</summary>
    public static IPersistentVectorIndex Build(ReadOnlySpan<long> ids, ItemFactorStore store, VectorIndexOptions options)
    {
        var items = ItemVectors.ByIds(ids, store);
        var norms = new float[ids.Length];
        var buffer = new float[store.Factors];
        for (var row = 0; row < ids.Length; row++)
        {
            norms[row] = TensorPrimitives.Norm(store.Row(row, buffer));
        }

        var order = Enumerable.Range(0, ids.Length).ToArray();
        Array.Sort(norms, order);
        Array.Reverse(order);
        Array.Reverse(norms);
        var bands = BandBounds(norms, options.NormRatio);
        if (bands.Count == 0 || (bands.Count == 1 && options.BandKind == BandKind.Graph))
        {
            return HnswVectorIndex.Build(ids, items, options);
        }

        var built = new List<Band>(bands.Count);
        try
        {
            foreach (var (from, to) in bands)
            {
                var bandIds = new long[to - from];
                for (var i = from; i < to; i++)
                {
                    bandIds[i - from] = ids[order[i]];
                }

                built.Add(bandIds.Length < options.ExactBandBelow ? Band.Exact(bandIds, items)
                    : options.BandKind == BandKind.InvertedFile ? new Band(InvertedFileBand.Build(bandIds, items, options.ListRows))
                    : new Band(HnswVectorIndex.Build(bandIds, items, options)));
            }

            return new NormRangedVectorIndex([.. built], items, options.ProbedLists);
        }
        catch
        {
            built.ForEach(b => b.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The bands over norms sorted from the largest down, as [from, to) ranges: each band holds the norms down to its
    /// first over <paramref name="ratio"/>, and every norm at or under <see cref="FloorFraction"/> of the largest goes
    /// to one last band. At least one band for a non-empty list.
    /// </summary>
    internal static List<(int From, int To)> BandBounds(ReadOnlySpan<float> descendingNorms, double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ratio, 1.0);
        var bands = new List<(int From, int To)>();
        if (descendingNorms.IsEmpty)
        {
            return bands;
        }

        var floor = descendingNorms[0] * FloorFraction;
        var start = 0;
        while (start < descendingNorms.Length)
        {
            var top = descendingNorms[start];
            var end = start + 1;
            if (top <= floor)
            {
                end = descendingNorms.Length;
            }
            else
            {
                var bottom = top / ratio;
                while (end < descendingNorms.Length && descendingNorms[end] >= bottom && descendingNorms[end] > floor)
                {
                    end++;
                }
            }

            bands.Add((start, end));
            start = end;
        }

        return bands;
    }

    /// <summary>Opens an index written by <see cref="Save"/>: the band list at <paramref name="path"/>, each band beside it, re-scored from <paramref name="vectors"/>.</summary>
    public static NormRangedVectorIndex Open(string path, ItemVectors vectors, VectorIndexOptions options, bool memoryMap)
    {
        var bands = JsonSerializer.Deserialize<BandList>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} is not a norm-ranged index.");
        var exact = bands.ExactBands ?? [];
        var inverted = bands.InvertedBands ?? [];
        var opened = new List<Band>(bands.Bands);
        try
        {
            for (var b = 0; b < bands.Bands; b++)
            {
                opened.Add(exact.Contains(b) ? Band.Exact(ReadIds(ExactPath(path, b)), vectors)
                    : inverted.Contains(b) ? new Band(OpenInverted(InvertedPath(path, b), vectors.Dimensions))
                    : new Band(HnswVectorIndex.Open(BandPath(path, b), vectors, options, memoryMap)));
            }

            return new NormRangedVectorIndex([.. opened], vectors, options.ProbedLists);
        }
        catch
        {
            opened.ForEach(b => b.Dispose());
            throw;
        }
    }

    /// <summary>Whether <paramref name="path"/> holds a band list rather than a single usearch graph.</summary>
    public static bool IsNormRanged(string path) =>
        File.Exists(BandPath(path, 0)) || File.Exists(ExactPath(path, 0)) || File.Exists(InvertedPath(path, 0));

    private static InvertedFileBand OpenInverted(string path, int dimensions)
    {
        var band = InvertedFileBand.Open(path);
        return band.Dimensions == dimensions ? band
            : throw new InvalidDataException($"{path} has {band.Dimensions} dimensions; the item vectors have {dimensions}.");
    }

    public void Save(string path)
    {
        var exact = new List<int>();
        var inverted = new List<int>();
        for (var b = 0; b < _bands.Length; b++)
        {
            if (_bands[b].Graph is { } graph)
            {
                graph.Save(BandPath(path, b));
            }
            else if (_bands[b].Inverted is { } file)
            {
                file.Save(InvertedPath(path, b));
                inverted.Add(b);
            }
            else
            {
                WriteIds(ExactPath(path, b), _bands[b].Scanned!.Ids);
                exact.Add(b);
            }
        }

        File.WriteAllText(path, JsonSerializer.Serialize(new BandList(
            _bands.Length, exact.Count == 0 ? null : [.. exact], inverted.Count == 0 ? null : [.. inverted])));
    }

    /// <summary>Changes how many lists an inverted-file band reads a query (tuning).</summary>
    public void ChangeProbedLists(int lists)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lists, 1);
        Volatile.Write(ref _probedLists, lists);
    }

    public void ChangeExpansionSearch(int expansion)
    {
        foreach (var band in _bands)
        {
            band.Graph?.ChangeExpansionSearch(expansion);
        }
    }

    public int Search(ReadOnlySpan<float> query, Span<VectorHit> destination)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Query has {query.Length} dimensions, the index {Dimensions}.", nameof(query));
        }

        var k = Math.Min(destination.Length, Count);
        if (k == 0)
        {
            return 0;
        }

        var queryNorm = TensorPrimitives.Norm(query);
        var heap = new TopK(k);
        var hits = ArrayPool<VectorHit>.Shared.Rent(k);
        sbyte[]? codes = null; // the query in 8 bits, made at the first inverted-file band reached
        var scale = 0f;
        try
        {
            foreach (var band in _bands)
            {
                if (heap.Count == k && heap.Threshold >= queryNorm * band.MaxNorm)
                {
                    break;
                }

                if (band.Graph is { } graph)
                {
                    SearchBand(graph, query, k, ref heap, hits);
                }
                else if (band.Inverted is { } file)
                {
                    if (codes is null)
                    {
                        codes = ArrayPool<sbyte>.Shared.Rent(Dimensions);
                        scale = InvertedFileBand.Quantize(query, codes.AsSpan(0, Dimensions));
                    }

                    file.SearchInto(query, queryNorm, codes.AsSpan(0, Dimensions), scale, Volatile.Read(ref _probedLists), _vectors, ref heap);
                }
                else
                {
                    band.Scanned!.ScanInto(query, ref heap);
                }
            }
        }
        finally
        {
            ArrayPool<VectorHit>.Shared.Return(hits);
            if (codes is not null)
            {
                ArrayPool<sbyte>.Shared.Return(codes);
            }
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

    private static string ExactPath(string path, int band) => $"{path}.band{band}.ids";

    private static string InvertedPath(string path, int band) => $"{path}.band{band}.ivf";

    private static void WriteIds(string path, ReadOnlySpan<long> ids)
    {
        using var stream = File.Create(path);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids));
        stream.Flush(flushToDisk: true);
    }

    private static long[] ReadIds(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % sizeof(long) != 0)
        {
            throw new InvalidDataException($"{path} holds {bytes.Length} bytes, not a whole number of ids.");
        }

        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray();
    }

    /// <summary>The bands in order, and which of them are scanned exactly or inverted files (null in indexes saved before those existed); the rest are graphs.</summary>
    private sealed record BandList(int Bands, int[]? ExactBands = null, int[]? InvertedBands = null);

    /// <summary>
    /// One band: its own graph, an <see cref="InvertedFileBand"/>, or an <see cref="ExactVectorIndex"/> over its ids and a float32 copy of their vectors.
    /// Every query scans the small bands of the largest norms, and their rows lie scattered over the catalog's factors:
    /// a contiguous copy (at most <see cref="VectorIndexOptions.ExactBandBelow"/> rows a band) is read in one stream.
    /// </summary>
    private sealed class Band : IDisposable
    {
        public Band(HnswVectorIndex graph)
        {
            Graph = graph;
            MaxNorm = graph.MaxNorm;
        }

        public Band(InvertedFileBand inverted)
        {
            Inverted = inverted;
            MaxNorm = inverted.MaxNorm;
        }

        private Band(ExactVectorIndex scanned, float maxNorm)
        {
            Scanned = scanned;
            MaxNorm = maxNorm;
        }

        public HnswVectorIndex? Graph { get; }

        public ExactVectorIndex? Scanned { get; }

        public InvertedFileBand? Inverted { get; }

        public float MaxNorm { get; }

        public int Count => Graph?.Count ?? Inverted?.Count ?? Scanned!.Count;

        /// <summary>Bytes of the ids and the vectors' copy, or of the inverted file.</summary>
        public long HeldBytes => Scanned is { } scanned ? scanned.MemoryBytes + ((long)scanned.Count * scanned.Dimensions * sizeof(float))
            : Inverted?.MemoryBytes ?? 0;

        /// <summary>A band scanned exactly: <paramref name="ids"/> with their vectors copied from <paramref name="vectors"/>; its largest norm is theirs.</summary>
        public static Band Exact(long[] ids, ItemVectors vectors)
        {
            var f = vectors.Dimensions;
            var rows = new float[(long)ids.Length * f];
            var maxNorm = 0f;
            for (var i = 0; i < ids.Length; i++)
            {
                var row = rows.AsSpan(i * f, f);
                var vector = vectors.Vector(ids[i], row);
                if (vector.IsEmpty)
                {
                    throw new InvalidDataException($"Item {ids[i]} of an exact band has no vector.");
                }

                vector.CopyTo(row);
                maxNorm = Math.Max(maxNorm, TensorPrimitives.Norm(row));
            }

            return new(new ExactVectorIndex(ids, rows, f, parallel: false), maxNorm);
        }

        public void Dispose() => Graph?.Dispose();
    }
}
