using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Features.Images;
using RecEngine.Features.Spec;
using RecEngine.Hosting;

namespace RecEngine.Api;

/// <summary><c>PUT|GET /v1/videos/{id}/thumbnail</c>: a video's thumbnail (JPEG or PNG), stored beside the store.</summary>
internal static class ThumbnailApi
{
    public static IEndpointRouteBuilder MapThumbnailApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/v1/videos").WithTags("Catalog");
        videos.MapPut("/{id}/thumbnail", PutThumbnail).WithName("PutThumbnail").RequireScope(ApiScope.Ingest)
            .Accepts<byte[]>("image/jpeg", "image/png")
            .WithSummary("Store a video's thumbnail (JPEG or PNG body): checked and decoded first, then written durably; its visual embedding is computed in the background.");
        videos.MapGet("/{id}/thumbnail", GetThumbnail).WithName("GetThumbnail")
            .WithSummary("A video's stored thumbnail, as uploaded.");
        return app;
    }

    internal static async Task<Results<Ok<ThumbnailAnswer>, Created<ThumbnailAnswer>, ProblemHttpResult, ValidationProblem>> PutThumbnail(
        string id,
        HttpContext context,
        CatalogIndex catalog,
        ThumbnailStore thumbnails,
        ThumbnailEmbeddingQueue embeddings,
        IOptions<ThumbnailOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!errors.RequireId("id", id))
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!catalog.TryGetVideoDuration(id, out _))
        {
            return CatalogApi.NotFound("video", id);
        }

        var limits = options.Value;
        var body = await ReadBodyAsync(context.Request, limits.MaxBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The thumbnail is too large.",
                detail: $"At most {limits.MaxBytes} bytes (RecEngine:Thumbnails:MaxBytes).");
        }

        // Header first (type, dimensions: a decompression bomb stops here), then every pixel decoded, before anything is stored.
        var check = new ImagePreprocessing(limits.MaxPixels).Validate(body);
        if (!check.IsValid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: Title(check.Problem), detail: check.Message,
                extensions: new Dictionary<string, object?> { ["problem"] = ProblemName(check.Problem) });
        }

        var header = check.Header!;
        var written = thumbnails.Write(id, body, header.Format == "png" ? ".png" : ".jpg");
        var embedding = written == ThumbnailWrite.Unchanged && thumbnails.HasEmbedding(id) ? "current"
            : embeddings.Enqueue(id) ? "queued" : "deferred";
        var answer = new ThumbnailAnswer(id, header.Format, header.Width, header.Height, body.Length, written.ToString().ToLowerInvariant(), embedding);
        return written == ThumbnailWrite.Created ? TypedResults.Created($"/v1/videos/{id}/thumbnail", answer) : TypedResults.Ok(answer);
    }

    internal static Results<FileContentHttpResult, ProblemHttpResult> GetThumbnail(string id, ThumbnailStore thumbnails, CancellationToken cancellationToken) =>
        thumbnails.Read(id) is { } stored ? TypedResults.File(stored.Bytes, stored.ContentType) : CatalogApi.NotFound("thumbnail of video", id);

    private static string Title(ImageProblem problem) => problem switch
    {
        ImageProblem.Empty => "The thumbnail is empty.",
        ImageProblem.WrongType => "The thumbnail is not a JPEG or PNG image.",
        ImageProblem.TooManyPixels => "The thumbnail has too many pixels.",
        _ => "The thumbnail is corrupt.",
    };

    private static string ProblemName(ImageProblem problem) => problem switch
    {
        ImageProblem.Empty => "zero_size",
        ImageProblem.WrongType => "wrong_type",
        ImageProblem.TooManyPixels => "too_many_pixels",
        _ => "corrupt",
    };

    /// <summary>The whole body, or null when it is longer than <paramref name="maxBytes"/> (by its Content-Length or as read).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var n ? (int)n : 16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }
        }
    }
}

/// <summary>
/// Answer to <c>PUT /v1/videos/{id}/thumbnail</c>: the image's format and size, what the write did (<c>created</c>,
/// <c>replaced</c>, <c>unchanged</c>: the same bytes were stored already) and its embedding (<c>queued</c> for the
/// background embedder, <c>deferred</c>: the queue was full, training or the next start embeds it; <c>current</c>).
/// </summary>
internal sealed record ThumbnailAnswer(string VideoId, string Format, int Width, int Height, long Bytes, string Stored, string Embedding);
