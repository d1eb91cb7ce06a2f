using SkiaSharp;

namespace RecEngine.Features.Spec;

/// <summary>What is wrong with an image, for a 400 that names it.</summary>
internal enum ImageProblem
{
    None,
    Empty,
    WrongType,
    Corrupt,
    TooManyPixels,
}

/// <summary>An image's header: its format and dimensions, read without decoding the pixels.</summary>
internal sealed record ImageHeader(string Format, int Width, int Height)
{
    public string ContentType => Format == "png" ? "image/png" : "image/jpeg";
}

/// <summary>The outcome of checking an image: its header, or the problem and a message naming it.</summary>
internal sealed record ImageCheck(ImageHeader? Header, ImageProblem Problem, string? Message)
{
    public bool IsValid => Problem == ImageProblem.None;

    public static ImageCheck Fail(ImageProblem problem, string message) => new(null, problem, message);
}

/// <summary>
/// The image part of the preprocessing spec: what every thumbnail goes through before the visual embedder, in training
/// and at upload alike. Accepts JPEG and PNG only; reads the header first (<see cref="SKCodec.Info"/>) and refuses an
/// image declaring more than <see cref="MaxPixels"/> pixels before any pixel is decoded, so a decompression bomb (a few
/// kilobytes declaring 30000 x 30000) costs nothing. Then: decode to 8-bit colour, take the centred square of the short
/// side, resize it to <see cref="Size"/> x <see cref="Size"/> (linear filtering with mipmaps, so a large image is
/// averaged rather than aliased), and lay it out as the network expects: planar B, G, R in 0-255 minus the network's
/// mean image (<see cref="MeanImage"/>, read from the preprocessing graph shipped with ResNet-18).
/// </summary>
internal sealed class ImagePreprocessing
{
    /// <summary>The network's input side (ResNet-18: 224).</summary>
    public const int Size = 224;

    public const int Channels = 3;

    public ImagePreprocessing(long maxPixels, float[]? meanImage = null)
    {
        if (meanImage is not null && meanImage.Length != Channels * Size * Size)
        {
            throw new ArgumentException($"The mean image has {meanImage.Length} values, not {Channels * Size * Size}.", nameof(meanImage));
        }

        MaxPixels = maxPixels;
        MeanImage = meanImage;
    }

    /// <summary>Most pixels (width x height) an image may declare.</summary>
    public long MaxPixels { get; }

    /// <summary>Planar (B, G, R) mean subtracted from every input, or null for none.</summary>
    public float[]? MeanImage { get; }

    /// <summary>Checks an image's type and header without decoding its pixels. Never throws on bad bytes.</summary>
    public ImageCheck Inspect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ImageCheck.Fail(ImageProblem.Empty, "The image is empty (zero bytes).");
        }

        var format = Sniff(bytes);
        if (format is null)
        {
            return ImageCheck.Fail(ImageProblem.WrongType, "Not a JPEG or PNG image (only those two are accepted).");
        }

        // The codec owns (and disposes) the stream it reads.
        using var codec = SKCodec.Create(new SKMemoryStream(SKData.CreateCopy(bytes)), out var result);
        if (codec is null)
        {
            return ImageCheck.Fail(ImageProblem.Corrupt, $"The {format.ToUpperInvariant()} image is corrupt: its header does not decode ({result}).");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return ImageCheck.Fail(ImageProblem.Corrupt, $"The {format.ToUpperInvariant()} image declares {info.Width} x {info.Height} pixels.");
        }

        if ((long)info.Width * info.Height > MaxPixels)
        {
            return ImageCheck.Fail(
                ImageProblem.TooManyPixels,
                $"The image declares {info.Width} x {info.Height} = {(long)info.Width * info.Height:N0} pixels; at most {MaxPixels:N0} are accepted.");
        }

        return new ImageCheck(new ImageHeader(format, info.Width, info.Height), ImageProblem.None, null);
    }

    /// <summary>
    /// Checks the header, then decodes every pixel (a truncated or corrupt body is found here), and returns the network's
    /// input (<see cref="Channels"/> x <see cref="Size"/> x <see cref="Size"/>, planar), or the problem. Never throws on
    /// bad bytes.
    /// </summary>
    public (float[]? Input, ImageCheck Check) Prepare(ReadOnlySpan<byte> bytes)
    {
        var check = Inspect(bytes);
        if (!check.IsValid)
        {
            return (null, check);
        }

        using var full = Decode(bytes, check.Header!, out var decodeError);
        if (full is null)
        {
            return (null, ImageCheck.Fail(ImageProblem.Corrupt, decodeError!));
        }

        using var square = Square(full, check.Header!);
        return (ToPlanar(square), check);
    }

    /// <summary>Checks the header and decodes every pixel, without building the network input: what an upload must pass.</summary>
    public ImageCheck Validate(ReadOnlySpan<byte> bytes)
    {
        var check = Inspect(bytes);
        if (!check.IsValid)
        {
            return check;
        }

        using var full = Decode(bytes, check.Header!, out var decodeError);
        return full is null ? ImageCheck.Fail(ImageProblem.Corrupt, decodeError!) : check;
    }

    /// <summary>JPEG (FF D8 FF) or PNG (89 'PNG' 0D 0A 1A 0A) by their magic bytes; anything else is null.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return "jpeg";
        }

        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        return bytes.StartsWith(png) ? "png" : null;
    }

    /// <summary>Decodes every pixel; null (and why) when they do not decode.</summary>
    private static SKBitmap? Decode(ReadOnlySpan<byte> bytes, ImageHeader header, out string? error)
    {
        error = null;
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            error = "The image's header does not decode.";
            return null;
        }

        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Bgra8888, SKAlphaType.Premul);
        var full = new SKBitmap();
        if (!full.TryAllocPixels(info))
        {
            full.Dispose();
            error = $"No memory for {header.Width} x {header.Height} pixels.";
            return null;
        }

        var result = codec.GetPixels(info, full.GetPixels());
        // IncompleteInput: a truncated file. Skia fills the missing rows, but the image is not what was meant.
        if (result != SKCodecResult.Success)
        {
            full.Dispose();
            error = $"The {header.Format.ToUpperInvariant()} image is corrupt: its pixels do not decode ({result}).";
            return null;
        }

        return full;
    }

    /// <summary>The centred square of the short side, resized to Size x Size.</summary>
    private static SKBitmap Square(SKBitmap full, ImageHeader header)
    {
        var side = Math.Min(header.Width, header.Height);
        var crop = SKRect.Create((header.Width - side) / 2, (header.Height - side) / 2, side, side);
        var target = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Bgra8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        using (var image = SKImage.FromBitmap(full))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, crop, SKRect.Create(Size, Size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        return target;
    }

    /// <summary>Planar B, G, R in 0-255 (transparent pixels over black), minus the mean image.</summary>
    private float[] ToPlanar(SKBitmap square)
    {
        const int plane = Size * Size;
        var input = new float[Channels * plane];
        var pixels = square.GetPixelSpan();
        for (var p = 0; p < plane; p++)
        {
            // Bgra8888: B, G, R, A per pixel.
            input[p] = pixels[(4 * p) + 0];
            input[plane + p] = pixels[(4 * p) + 1];
            input[(2 * plane) + p] = pixels[(4 * p) + 2];
        }

        if (MeanImage is { } mean)
        {
            for (var i = 0; i < input.Length; i++)
            {
                input[i] -= mean[i];
            }
        }

        return input;
    }
}
