using System.ComponentModel.DataAnnotations;

namespace RecEngine.Features.Images;

/// <summary>Thumbnails and their visual embedding, section <c>RecEngine:Thumbnails</c>.</summary>
public sealed record ThumbnailOptions
{
    public const string Section = "RecEngine:Thumbnails";

    /// <summary>Largest thumbnail body `PUT /v1/videos/{id}/thumbnail` accepts (413 beyond it); import files are held to it too.</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long MaxBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>
    /// Most pixels (width x height) a thumbnail may declare in its header, checked before any pixel is decoded: a
    /// decompression bomb (a small file declaring 30000 x 30000) is refused with a 400 rather than allocated. Decoding
    /// takes 4 bytes per pixel, so the default costs at most 64 MiB per upload being checked.
    /// </summary>
    [Range(1, 100_000_000)]
    public long MaxPixels { get; init; } = 4096 * 4096;

    /// <summary>
    /// Whether stored thumbnails are embedded by the background queue (upload, import through a server, and at start for
    /// thumbnails without an embedding). Off, training embeds what it needs.
    /// </summary>
    public bool EmbedInBackground { get; init; } = true;

    /// <summary>Thumbnails waiting for the embedder; past it an upload is still stored and answered, and its embedding is left to training or the next start (counted as deferred).</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>ONNX Runtime threads of one embedding (ResNet-18, about 1.8 GFLOP an image). One by default, so a background embedding leaves the other core to requests.</summary>
    [Range(1, 64)]
    public int EmbeddingThreads { get; init; } = 1;

    /// <summary>Linux nice value of the embedding thread, so requests get the cores first.</summary>
    [Range(0, 19)]
    public int Nice { get; init; } = 10;

    /// <summary>
    /// Share of the held-out factors' variance (R2) the projection from thumbnail embeddings to item factors must explain
    /// at training for unwatched videos' content vectors to use it; below it, they are placed by their metadata alone,
    /// since a projection that explains nothing only adds noise (benchmarks/RESULTS.md, cold start). -1 always uses it.
    /// The ranker's <c>thumbnail_affinity</c> input (the user vector against the projected thumbnail) exists under the same
    /// condition.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MinimumProjectionR2 { get; init; } = 0.01;

    /// <summary>Folder of `ResNet18.onnx` and `ResNetPreprocess.onnx`; empty means the `image-models` folder shipped beside the app.</summary>
    public string ModelDirectory { get; init; } = "";
}
