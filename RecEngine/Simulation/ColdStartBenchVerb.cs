using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RecEngine.Features.Images;
using RecEngine.Hosting;
using RecEngine.Retrieval;

namespace RecEngine.Simulation;

/// <summary>What the throughput part of <c>bench-cold-start</c> measured.</summary>
internal sealed record EmbeddingThroughput(int Images, double ValidateMsPerImage, double ValidateMsPerHdJpeg, double PreprocessMsPerImage, double ImagesPerSecondOneThread, double ImagesPerSecondTwoThreads);

/// <summary>
/// <c>bench-cold-start</c>: recall@k of videos uploaded after training among their first watchers, with content vectors
/// from metadata only and with the thumbnail (<see cref="ColdStartBenchmark"/>), and the visual embedder's throughput.
/// Needs no data directory and never opens the store.
/// </summary>
internal sealed class ColdStartBenchVerb(IOptions<AlsOptions> als) : IVerb
{
    public string Name => "bench-cold-start";

    public string Summary => "Benchmark cold start: recall of new videos among their first watchers, content vectors with and without thumbnails; thumbnail embedding throughput.";

    public string Usage => "[--users N] [--videos N] [--days N] [--cold-days N] [--seed S] [--k K] [--json FILE]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("users", "simulated users", "6000"),
        new("videos", "simulated videos", "6000"),
        new("days", "days of history played", "14"),
        new("cold-days", "the last days, after training: videos uploaded in them are cold", "3"),
        new("seed", "world seed", "42"),
        new("k", "recall cut-off", "100"),
        new("watchers", "first watchers per cold video", "10"),
        new("fit-videos", "trained videos whose thumbnails fit the projection", "2500"),
        new("sessions", "mean sessions per user-day (the demo world has 0.32)", "1"),
        new("thumbnail-weight", "weight of the projected thumbnail in a content vector (creator 3, category 1, tags 2)", "3"),
        new("cache", "a file keeping the thumbnails' embeddings between runs on the same world"),
        new("workers", "parallel embedders (one ONNX Runtime thread each)", "2"),
        new("throughput", "images timed one by one for the throughput figures (0 skips)", "100"),
        new("json", "also write the figures as JSON to FILE"),
    ];

    public string? ServerAlternative => null;

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var options = new SimulationOptions
        {
            Users = command.GetInt("users", 6000, 10, 1_000_000),
            Videos = command.GetInt("videos", 6000, 10, 1_000_000),
            Days = command.GetInt("days", 14, 2, 365),
            Seed = command.GetInt("seed", 42),
            MeanSessionsPerUserDay = double.Parse(command.GetString("sessions") ?? "1", CultureInfo.InvariantCulture),
        };
        var thumbnailWeight = double.Parse(command.GetString("thumbnail-weight") ?? "3", CultureInfo.InvariantCulture);
        var coldDays = command.GetInt("cold-days", 3, 1, options.Days - 1);
        var k = command.GetInt("k", 100, 1, 100_000);
        var watchers = command.GetInt("watchers", 10, 1, 100_000);
        var fitVideos = command.GetInt("fit-videos", 2500, VisualProjection.MinimumRows, 1_000_000);
        var workers = command.GetInt("workers", 2, 1, 64);
        var throughputImages = command.GetInt("throughput", 100, 0, 100_000);

        var throughput = throughputImages > 0 ? MeasureThroughput(throughputImages, options) : null;
        if (throughput is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Embedding throughput ({throughput.Images} images of {ThumbnailPainter.Width}x{ThumbnailPainter.Height}): upload check {throughput.ValidateMsPerImage:0.00} ms ({throughput.ValidateMsPerHdJpeg:0.0} ms for a 1280x720 JPEG), preprocessing {throughput.PreprocessMsPerImage:0.00} ms, ResNet-18 {throughput.ImagesPerSecondOneThread:0.0} images/s on 1 thread, {throughput.ImagesPerSecondTwoThreads:0.0} images/s on 2."));
        }

        var result = ColdStartBenchmark.Run(options, coldDays, k, watchers, fitVideos, workers, als.Value, Console.Out, cancellationToken, thumbnailWeight, command.GetString("cache"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Cold start, recall@{k} of {result.ColdVideos:N0} videos uploaded after training among their first watchers ({result.Pairs:N0} pairs; chance {result.Chance:0.0000}):
              title + tags                          {result.RecallTitleTags:0.0000}
              title + tags + thumbnail              {result.RecallTitleTagsThumbnail:0.0000}   ({result.Ratio:0.000}x)
              title + tags + creator                {result.RecallMetadata:0.0000}
              title + tags + creator + thumbnail    {result.RecallMetadataThumbnail:0.0000}   ({result.RatioWithCreator:0.000}x)
              thumbnail alone                       {result.RecallThumbnailOnly:0.0000}
              ceilings: hidden affinity {result.RecallHiddenAffinity:0.0000} ({result.RecallHiddenAffinity / result.RecallTitleTags:0.000}x); title + tags + the hidden taste vector as a perfect thumbnail {result.RecallHiddenTaste:0.0000} ({result.RecallHiddenTaste / result.RecallTitleTags:0.000}x)
              thumbnail weight {result.ThumbnailWeight}; projection held-out R2 {result.ProjectionHeldOutR2:0.000} (training by default {(result.ProjectionHeldOutR2 >= VisualProjection.MinimumHeldOutR2 ? "uses it" : "leaves it out")}); {result.ThumbnailsEmbedded:N0} thumbnails, embedded in {result.EmbedSeconds:0.0} s ({result.ImagesPerSecond:0.0} images/s, {result.EmbedWorkers} workers)
            """));
        if (command.GetString("json") is { } json)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new { cold_start = result, throughput }, ServiceDefaults.Json));
            Console.WriteLine($"Wrote {json}");
        }

        return Task.FromResult(0);
    }

    /// <summary>One image at a time: the upload's check (header and full decode), the preprocessing, and ResNet-18 on 1 and 2 threads.</summary>
    internal static EmbeddingThroughput MeasureThroughput(int images, SimulationOptions options)
    {
        var truth = new SimulatedWorld(options with { Start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Truth;
        var bytes = Enumerable.Range(0, Math.Min(images, truth.VideoCount)).Select(v => ThumbnailPainter.Paint(truth, v)).ToArray();
        var check = new Features.Spec.ImagePreprocessing(4096 * 4096);
        var clock = Stopwatch.StartNew();
        foreach (var b in bytes)
        {
            check.Validate(b);
        }

        var validateMs = clock.Elapsed.TotalMilliseconds / bytes.Length;
        // A photo-sized upload: a 1280 x 720 JPEG of noise (the worst case for the decoder's entropy stage).
        var hd = HdJpeg();
        check.Validate(hd);
        clock.Restart();
        for (var i = 0; i < 20; i++)
        {
            check.Validate(hd);
        }

        var validateHdMs = clock.Elapsed.TotalMilliseconds / 20;
        double PerSecond(int threads, out double preprocessMs)
        {
            using var embedder = ThumbnailEmbedder.Load("", 4096 * 4096, threads);
            embedder.Embed(bytes[0]); // warm-up
            var inputs = new float[bytes.Length][];
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < bytes.Length; i++)
            {
                inputs[i] = embedder.Preprocessing.Prepare(bytes[i]).Input!;
            }

            preprocessMs = watch.Elapsed.TotalMilliseconds / bytes.Length;
            watch.Restart();
            foreach (var input in inputs)
            {
                embedder.Run(input);
            }

            return bytes.Length / (watch.Elapsed.TotalSeconds + (preprocessMs * bytes.Length / 1000));
        }

        var one = PerSecond(1, out var preprocess);
        var two = PerSecond(2, out _);
        return new EmbeddingThroughput(bytes.Length, validateMs, validateHdMs, preprocess, one, two);
    }

    private static byte[] HdJpeg()
    {
        var random = new Random(1);
        using var bitmap = new SkiaSharp.SKBitmap(1280, 720);
        var pixels = new byte[1280 * 720 * 4];
        random.NextBytes(pixels);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
        return jpeg.ToArray();
    }
}
