using System.ComponentModel.DataAnnotations;

namespace RecEngine.Retrieval;

/// <summary>How the HNSW graph compares vectors after the MIPS augmentation (both rank identically there).</summary>
public enum VectorMetric
{
    Cosine,
    InnerProduct,
}

/// <summary>The scalar kind the HNSW graph stores its (augmented, unit-length) vectors in; hits are re-scored exactly in float32 either way.</summary>
public enum VectorQuantization
{
    /// <summary>32-bit floats.</summary>
    F32,

    /// <summary>16-bit floats.</summary>
    F16,

    /// <summary>8-bit integers (coordinates times 127).</summary>
    I8,
}

/// <summary>What a norm band larger than <see cref="VectorIndexOptions.ExactBandBelow"/> is searched through.</summary>
public enum BandKind
{
    /// <summary>An HNSW graph (usearch).</summary>
    Graph,

    /// <summary>An inverted file: k-means lists of 8-bit rows, a few lists probed a query (<see cref="InvertedFileBand"/>).</summary>
    InvertedFile,
}

/// <summary>
/// Knobs of the vector index over catalogs of <see cref="ExactBelow"/> videos or more: norm bands, each an inverted file
/// or an HNSW graph (Malkov &amp; Yashunin 2018). For graphs, Connectivity is M, the links per node; the expansion
/// factors are efConstruction and efSearch (usearch searches with max(efSearch, k)). A key this section does not have
/// (such as NormRanges, replaced by NormRatio) stops the process with its name.
/// </summary>
public sealed record VectorIndexOptions
{
    /// <summary>The configuration section it is bound from.</summary>
    public const string Section = RetrievalModule.IndexSection;

    /// <summary>
    /// M: links per node of the HNSW graph; more is better recall, more memory and slower builds. 14 by default: at 1M
    /// x 64 in 8 bits it holds the graph under 200 MB (197.7 against 213.6 at 16) for the same recall@100 (0.994 and
    /// 0.991-0.992, two builds each) and latency within the run-to-run spread (benchmarks/RESULTS.md, bench-index,
    /// 2026-12-06 21:04).
    /// </summary>
    [Range(4, 128)]
    public int Connectivity { get; init; } = 14;

    /// <summary>efConstruction: the candidate list of a build's search for a new node's links.</summary>
    [Range(8, 4096)]
    public int ExpansionAdd { get; init; } = 128;

    /// <summary>efSearch: the candidate list of a search (usearch uses max(efSearch, k)).</summary>
    [Range(8, 4096)]
    public int ExpansionSearch { get; init; } = 64;

    /// <summary>Threads adding in parallel during a build; the native index reserves a slot for each.</summary>
    [Range(1, 256)]
    public int BuildThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Native search slots. Each search holds one for its duration; callers beyond this many wait on a
    /// semaphore instead of overrunning the native index ("Reserve capacity ahead of searches!").
    /// </summary>
    [Range(1, 1024)]
    public int SearchThreads { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Candidates fetched per wanted result, re-ranked by their exact inner product.</summary>
    [Range(1.0, 16.0)]
    public double OverFetch { get; init; } = 1.0;

    /// <summary>Similarity the index ranks by.</summary>
    public VectorMetric Metric { get; init; } = VectorMetric.Cosine;

    /// <summary>
    /// How a graph stores vectors (inverted files always hold 8-bit rows): 8-bit integers take a quarter of float32's bytes. Recall against exact float32
    /// search and the graph's size per kind are measured by <c>bench-index --quantization</c> (RESULTS.md).
    /// </summary>
    public VectorQuantization Quantization { get; init; } = VectorQuantization.I8;

    /// <summary>
    /// Norm bands, each its own inverted file or graph (<see cref="BandKind"/>) unless smaller than
    /// <see cref="ExactBandBelow"/> (<see cref="NormRangedVectorIndex"/>): a band holds the items whose norms lie within
    /// this factor of its largest, and items under a thousandth of the largest norm share one last band. Bands keep
    /// inner-product recall high when item norms vary, at the cost of one search per band visited; a catalog whose
    /// norms all lie within the factor is one band (docs/decisions/0003).
    /// </summary>
    [Range(1.25, 1e6)]
    public double NormRatio { get; init; } = 2.0;

    /// <summary>
    /// A norm band with fewer items than this is scanned exactly instead of searched through an inverted file or a
    /// graph of its own. The bands of the largest norms are small (a model's norms are long-tailed), every query visits
    /// them, and a graph search costs about the same at a hundred items as at ten thousand; 0 gives every band an index.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ExactBandBelow { get; init; } = 4096;

    /// <summary>
    /// What each norm band of at least <see cref="ExactBandBelow"/> items is searched through: an inverted file of
    /// k-means lists (the default), or an HNSW graph. At 1M x 64 and k=500 inverted files answer with recall@100 1.000
    /// at a p99 of 0.25-0.50 ms in 74 MB, built in 13-17 s; graphs take 189 MB, 47-99 s to build and have a p99 of
    /// 0.86-1.71 ms, because a graph search explores at least k nodes (benchmarks/RESULTS.md, Memory, 2026-12-07 18:43;
    /// docs/decisions/0003). With inverted files a catalog whose norms all lie within
    /// <see cref="NormRatio"/> is one such band, not one graph.
    /// </summary>
    public BandKind BandKind { get; init; } = BandKind.InvertedFile;

    /// <summary>Rows per list of an inverted-file band, on average (the band's rows over this, at least one list).</summary>
    [Range(16, 1_000_000)]
    public int ListRows { get; init; } = 250;

    /// <summary>Lists of an inverted-file band a query reads: those whose centroids have the largest inner product with it.</summary>
    [Range(1, 4096)]
    public int ProbedLists { get; init; } = 8;

    /// <summary>
    /// Catalogs smaller than this are searched exactly: below about 50k videos the SIMD scan is as fast as HNSW at
    /// k=500 (measured in RESULTS.md, bench-index at 100k) and has perfect recall.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ExactBelow { get; init; } = 50_000;

    /// <summary>Whether a catalog of <paramref name="videos"/> is searched exactly (see <see cref="ExactBelow"/>).</summary>
    internal bool ScansExactly(int videos) => videos < ExactBelow;
}
