using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RecEngine.Retrieval;

/// <summary>
/// One norm band as an inverted file (Sivic &amp; Zisserman 2003; Jégou, Douze &amp; Schmid 2011, "Product
/// quantization for nearest neighbor search", TPAMI): the band's items are split into k-means lists of about
/// <see cref="VectorIndexOptions.ListRows"/> rows, and a query scores only the rows of the
/// <see cref="VectorIndexOptions.ProbedLists"/> lists whose centroids have the largest inner product with it. Within a
/// norm band the norms differ by at most the band's ratio, so the lists follow direction, which is what decides the
/// inner product there (docs/decisions/0003).
/// Rows are held in 8 bits, one scale a row, in list order, so a list is read in one stream. A row's 8-bit score is
/// re-scored exactly from the caller's item vectors only when it is within its error bound of the current k-th best,
/// so the scores returned are exact and no probed row that could enter the top k is missed.
/// </summary>
internal sealed class InvertedFileBand
{
    private const uint Magic = 0x46564952; // "RIVF"
    private const int FormatVersion = 1;
    private const int HeaderBytes = 24; // magic, version, dimensions, rows, lists, largest norm
    private const int LloydIterations = 6;
    private const int SampleRows = 65_536;

    /// <summary>
    /// Up to this many lists (bands of about a million rows), one k-means over the band; above, two levels
    /// (<see cref="Cluster"/>). Two levels cost recall: on the 1M clustered synthetic at 8 lists probed, recall@100
    /// 0.951 against 1.000 (benchmarks/RESULTS.md, Memory, 2026-12-07 18:16).
    /// </summary>
    internal const int FlatLists = 4096;

    /// <summary>With two levels, a row goes to its nearest list among the lists of this many nearest groups.</summary>
    private const int NeighbourGroups = 4;

    private readonly float[] _centroids;
    private readonly int[] _start;
    private readonly long[] _ids;
    private readonly float[] _scales;
    private readonly sbyte[] _codes;

    private InvertedFileBand(int dimensions, float maxNorm, float[] centroids, int[] start, long[] ids, float[] scales, sbyte[] codes)
    {
        Dimensions = dimensions;
        MaxNorm = maxNorm;
        _centroids = centroids;
        _start = start;
        _ids = ids;
        _scales = scales;
        _codes = codes;
    }


    public int Dimensions { get; }

    public int Count => _ids.Length;

    public int Lists => _start.Length - 1;

    /// <summary>The largest norm among the band's items.</summary>
    public float MaxNorm { get; }

    /// <summary>Bytes held: codes, scales, ids, centroids and list offsets.</summary>
    public long MemoryBytes =>
        _codes.LongLength + (_scales.LongLength * sizeof(float)) + (_ids.LongLength * sizeof(long))
        + (_centroids.LongLength * sizeof(float)) + (_start.LongLength * sizeof(int));

    /// <summary>
    /// Builds the band over <paramref name="ids"/>, whose vectors are read from <paramref name="vectors"/>: about
    /// <paramref name="listRows"/> rows a list, centroids by Lloyd's k-means on a seeded sample (deterministic).
    /// </summary>
    public static InvertedFileBand Build(long[] ids, ItemVectors vectors, int listRows, int seed = 1, int flatLists = FlatLists)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(listRows, 1);
        if (ids.Length == 0)
        {
            throw new ArgumentException("An inverted-file band needs at least one item.", nameof(ids));
        }

        var d = vectors.Dimensions;
        var n = ids.Length;
        var rows = new float[(long)n * d];
        var maxNorm = 0f;
        for (var i = 0; i < n; i++)
        {
            var row = rows.AsSpan(i * d, d);
            var vector = vectors.Vector(ids[i], row);
            if (vector.IsEmpty)
            {
                throw new InvalidDataException($"Item {ids[i]} of an inverted-file band has no vector.");
            }

            vector.CopyTo(row);
            maxNorm = Math.Max(maxNorm, TensorPrimitives.Norm(row));
        }

        var (centroids, assignment, lists) = Cluster(rows, n, d, Math.Max(1, n / listRows), seed, flatLists);

        var start = new int[lists + 1];
        foreach (var list in assignment)
        {
            start[list + 1]++;
        }

        for (var l = 0; l < lists; l++)
        {
            start[l + 1] += start[l];
        }

        var next = start[..lists];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[next[assignment[i]]++] = i;
        }

        var sortedIds = new long[n];
        var scales = new float[n];
        var codes = new sbyte[(long)n * d];
        for (var r = 0; r < n; r++)
        {
            var source = order[r];
            sortedIds[r] = ids[source];
            scales[r] = Quantize(rows.AsSpan(source * d, d), codes.AsSpan(r * d, d));
        }

        return new InvertedFileBand(d, maxNorm, centroids, start, sortedIds, scales, codes);
    }

    /// <summary>
    /// Offers the band's best rows for <paramref name="query"/> to <paramref name="heap"/>, with exact scores from
    /// <paramref name="vectors"/>. <paramref name="codes"/> is the query in 8 bits and <paramref name="scale"/> its
    /// scale (<see cref="Quantize"/>); <paramref name="probes"/> lists are read.
    /// </summary>
    public void SearchInto(ReadOnlySpan<float> query, float queryNorm, ReadOnlySpan<sbyte> codes, float scale, int probes, ItemVectors vectors, ref TopK heap)
    {
        var d = Dimensions;
        probes = Math.Min(probes, Lists);
        Span<int> best = stackalloc int[probes];
        Span<float> bestScore = stackalloc float[probes];
        var kept = 0;
        for (var l = 0; l < Lists; l++)
        {
            var s = TensorPrimitives.Dot(query, _centroids.AsSpan(l * d, d));
            if (kept == probes && s <= bestScore[kept - 1])
            {
                continue;
            }

            var at = kept < probes ? kept++ : kept - 1;
            while (at > 0 && bestScore[at - 1] < s)
            {
                best[at] = best[at - 1];
                bestScore[at] = bestScore[at - 1];
                at--;
            }

            best[at] = l;
            bestScore[at] = s;
        }

        // |q.x - (s_q c_q).(s_x c_x)| <= |q| |x - s_x c_x| + |s_x c_x| |q - s_q c_q|, and each coordinate's rounding
        // error is at most half its scale, so |x - s_x c_x| <= sqrt(d) s_x / 2 and |s_x c_x| <= |x| + sqrt(d) s_x / 2:
        // taken with the row's own scale s_x and the band's largest norm, with a little room for float rounding.
        var half = MathF.Sqrt(d) * 0.5f;
        var perScale = 1.001f * half * (queryNorm + (half * scale));
        var fixedPart = 1.001f * half * MaxNorm * scale;
        var codeSpan = _codes.AsSpan();
        for (var p = 0; p < kept; p++)
        {
            var list = best[p];
            for (var r = _start[list]; r < _start[list + 1]; r++)
            {
                var rowScale = _scales[r];
                var approximate = DotI8(codes, codeSpan.Slice(r * d, d)) * scale * rowScale;
                if (approximate + fixedPart + (perScale * rowScale) < heap.Threshold)
                {
                    continue;
                }

                var exact = vectors.Dot(query, _ids[r]);
                if (!float.IsNegativeInfinity(exact))
                {
                    heap.Add(_ids[r], exact);
                }
            }
        }
    }

    /// <summary>Writes <paramref name="vector"/> as 8-bit codes (symmetric, one scale: its largest absolute coordinate over 127) and returns the scale.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> codes)
    {
        var largest = TensorPrimitives.MaxMagnitude(vector);
        var magnitude = MathF.Abs(largest);
        if (magnitude == 0 || !float.IsFinite(magnitude))
        {
            codes.Clear();
            return 0f;
        }

        var scale = magnitude / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127f, 127f);
        }

        return scale;
    }

    /// <summary>The integer inner product of two 8-bit vectors (each product at most 127 x 127, so pairs fit 16 bits).</summary>
    internal static int DotI8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var i = 0;
        var sum = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 32)
        {
            var acc = Vector256<int>.Zero;
            for (; i + 32 <= a.Length; i += 32)
            {
                var (alo, ahi) = Vector256.Widen(Vector256.Create(a.Slice(i, 32)));
                var (blo, bhi) = Vector256.Widen(Vector256.Create(b.Slice(i, 32)));
                if (Avx2.IsSupported)
                {
                    acc += Avx2.MultiplyAddAdjacent(alo, blo) + Avx2.MultiplyAddAdjacent(ahi, bhi);
                }
                else
                {
                    var (p0, p1) = Vector256.Widen(alo * blo);
                    var (p2, p3) = Vector256.Widen(ahi * bhi);
                    acc += p0 + p1 + p2 + p3;
                }
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    public void Save(string path)
    {
        using var stream = File.Create(path);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Dimensions);
            writer.Write(Count);
            writer.Write(Lists);
            writer.Write(MaxNorm);
        }

        stream.Write(MemoryMarshal.AsBytes(_centroids.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(_start.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(_ids.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(_scales.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(_codes.AsSpan()));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads a band written by <see cref="Save"/> into memory, checking its header and size.</summary>
    public static InvertedFileBand Open(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (stream.Length < HeaderBytes || reader.ReadUInt32() != Magic)
        {
            throw new InvalidDataException($"{path} is not an inverted-file band.");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path} has format {version}; this build reads {FormatVersion}.");
        }

        var d = reader.ReadInt32();
        var n = reader.ReadInt32();
        var lists = reader.ReadInt32();
        var maxNorm = reader.ReadSingle();
        if (d < 1 || n < 0 || lists < 1)
        {
            throw new InvalidDataException($"{path} has an invalid header ({n} rows, {d} dimensions, {lists} lists).");
        }

        var expected = HeaderBytes + ((long)lists * d * sizeof(float)) + ((lists + 1L) * sizeof(int)) + ((long)n * (sizeof(long) + sizeof(float))) + ((long)n * d);
        if (stream.Length != expected)
        {
            throw new InvalidDataException($"{path} holds {stream.Length} bytes; its header ({n} rows, {d} dimensions, {lists} lists) needs {expected}.");
        }

        var centroids = new float[lists * d];
        var start = new int[lists + 1];
        var ids = new long[n];
        var scales = new float[n];
        var codes = new sbyte[(long)n * d];
        stream.ReadExactly(MemoryMarshal.AsBytes(centroids.AsSpan()));
        stream.ReadExactly(MemoryMarshal.AsBytes(start.AsSpan()));
        stream.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan()));
        stream.ReadExactly(MemoryMarshal.AsBytes(scales.AsSpan()));
        stream.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
        for (var l = 0; l < lists; l++)
        {
            if (start[l] > start[l + 1])
            {
                throw new InvalidDataException($"{path}: list {l} ends before it starts.");
            }
        }

        if (start[0] != 0 || start[lists] != n)
        {
            throw new InvalidDataException($"{path}: the lists cover {start[lists] - start[0]} of {n} rows.");
        }

        return new InvertedFileBand(d, maxNorm, centroids, start, ids, scales, codes);
    }

    /// <summary>
    /// The rows' lists: k-means in two levels when there are more than <see cref="FlatLists"/> lists (about sqrt(lists)
    /// groups, then each group's rows split into its share of the lists), so a build costs about 2 sqrt(lists)
    /// distances a row instead of one per list, which grows with the band (a 5M-row band has 20,000 lists), at some
    /// cost in recall.
    /// Returns the centroids, each row's list, and the number of lists (within a rounding of <paramref name="lists"/>).
    /// </summary>
    private static (float[] Centroids, int[] Assignment, int Lists) Cluster(float[] rows, int n, int d, int lists, int seed, int flatLists)
    {
        var all = new int[n];
        for (var i = 0; i < n; i++)
        {
            all[i] = i;
        }

        if (lists <= flatLists)
        {
            var flat = Lloyd(rows, all, d, lists, seed);
            return (flat, Assign(rows, all, flat, lists, d), lists);
        }

        var groups = (int)Math.Ceiling(Math.Sqrt(lists));
        var coarse = Lloyd(rows, all, d, groups, seed);
        var group = Assign(rows, all, coarse, groups, d);
        var members = new List<int>[groups];
        for (var g = 0; g < groups; g++)
        {
            members[g] = [];
        }

        for (var i = 0; i < n; i++)
        {
            members[group[i]].Add(i);
        }

        // Each group's rows are split into its share of the lists. A row near a group's edge may lie nearer a list of
        // the next group than any of its own, so every row then goes to its nearest list among the lists of its
        // NeighbourGroups nearest groups; assigned within its own group only, such rows sat in lists whose centroids
        // were far from them, and queries near them missed them (recall@100 0.82 at 10M).
        var centroids = new List<float>(lists * d);
        var firstList = new int[groups + 1];
        for (var g = 0; g < groups; g++)
        {
            firstList[g] = centroids.Count / d;
            var rowsOf = members[g].ToArray();
            if (rowsOf.Length == 0)
            {
                continue;
            }

            var share = Math.Clamp((int)Math.Round((double)lists * rowsOf.Length / n), 1, rowsOf.Length);
            centroids.AddRange(Lloyd(rows, rowsOf, d, share, seed + g + 1));
        }

        firstList[groups] = centroids.Count / d;
        var flatCentroids = centroids.ToArray();
        var neighbours = Math.Min(NeighbourGroups, groups);
        var assignment = new int[n];
        Parallel.For(0, n, () => (new int[neighbours], new float[neighbours]), (i, _, scratch) =>
        {
            var row = rows.AsSpan(i * d, d);
            var (near, distance) = scratch;
            var kept = 0;
            for (var g = 0; g < groups; g++)
            {
                var dg = TensorPrimitives.Distance(row, coarse.AsSpan(g * d, d));
                if (kept == neighbours && dg >= distance[kept - 1])
                {
                    continue;
                }

                var at = kept < neighbours ? kept++ : kept - 1;
                while (at > 0 && distance[at - 1] > dg)
                {
                    near[at] = near[at - 1];
                    distance[at] = distance[at - 1];
                    at--;
                }

                near[at] = g;
                distance[at] = dg;
            }

            var best = -1;
            var bestDistance = float.MaxValue;
            for (var j = 0; j < kept; j++)
            {
                for (var l = firstList[near[j]]; l < firstList[near[j] + 1]; l++)
                {
                    var dl = TensorPrimitives.Distance(row, flatCentroids.AsSpan(l * d, d));
                    if (dl < bestDistance)
                    {
                        bestDistance = dl;
                        best = l;
                    }
                }
            }

            assignment[i] = best;
            return scratch;
        }, _ => { });

        return (flatCentroids, assignment, firstList[groups]);
    }

    /// <summary>Each of <paramref name="members"/>' rows' nearest centroid, in parallel.</summary>
    private static int[] Assign(float[] rows, int[] members, float[] centroids, int lists, int d)
    {
        var assignment = new int[members.Length];
        Parallel.For(0, members.Length, i => assignment[i] = Nearest(rows.AsSpan(members[i] * d, d), centroids, lists, d));
        return assignment;
    }

    /// <summary>Lloyd's k-means over a seeded sample of <paramref name="members"/>' rows; an empty list keeps its previous centroid.</summary>
    private static float[] Lloyd(float[] rows, int[] members, int d, int lists, int seed)
    {
        var n = members.Length;
        var random = new Random(seed);
        var sampleSize = Math.Min(n, Math.Max(SampleRows, lists * 32));
        var sample = (int[])members.Clone();

        // A partial Fisher-Yates shuffle: the first sampleSize entries are a uniform sample without repeats.
        for (var i = 0; i < sampleSize; i++)
        {
            var j = random.Next(i, n);
            (sample[i], sample[j]) = (sample[j], sample[i]);
        }

        var centroids = new float[lists * d];
        for (var l = 0; l < lists; l++)
        {
            rows.AsSpan(sample[l] * d, d).CopyTo(centroids.AsSpan(l * d, d));
        }

        var assignment = new int[sampleSize];
        var sums = new double[lists * d];
        var counts = new int[lists];
        for (var iteration = 0; iteration < LloydIterations; iteration++)
        {
            Parallel.For(0, sampleSize, i => assignment[i] = Nearest(rows.AsSpan(sample[i] * d, d), centroids, lists, d));
            Array.Clear(sums);
            Array.Clear(counts);
            for (var i = 0; i < sampleSize; i++)
            {
                var list = assignment[i];
                counts[list]++;
                var row = rows.AsSpan(sample[i] * d, d);
                for (var t = 0; t < d; t++)
                {
                    sums[(list * d) + t] += row[t];
                }
            }

            for (var l = 0; l < lists; l++)
            {
                if (counts[l] == 0)
                {
                    continue;
                }

                for (var t = 0; t < d; t++)
                {
                    centroids[(l * d) + t] = (float)(sums[(l * d) + t] / counts[l]);
                }
            }
        }

        return centroids;
    }

    private static int Nearest(ReadOnlySpan<float> row, float[] centroids, int lists, int d)
    {
        var best = 0;
        var bestDistance = float.MaxValue;
        for (var l = 0; l < lists; l++)
        {
            var distance = TensorPrimitives.Distance(row, centroids.AsSpan(l * d, d));
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = l;
            }
        }

        return best;
    }
}
