using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace RecEngine.Tests.Features;

/// <summary>Images made in the test: real JPEGs and PNGs, and bad ones (corrupt, wrong type, a decompression bomb).</summary>
internal static class TestImages
{
    /// <summary>A real image: a gradient with a disc, so resizing and cropping have something to keep.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format, SKColor? disc = null)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(30, 60, 90));
            using var paint = new SKPaint { Color = disc ?? SKColors.Orange, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    public static byte[] Png(int width = 64, int height = 48, SKColor? disc = null) => Encode(width, height, SKEncodedImageFormat.Png, disc);

    public static byte[] Jpeg(int width = 64, int height = 48) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    /// <summary>A JPEG whose header is intact but whose entropy-coded data is cut off half-way.</summary>
    public static byte[] TruncatedJpeg()
    {
        var jpeg = Jpeg(256, 256);
        return jpeg[..(jpeg.Length / 2)];
    }

    /// <summary>A PNG signature followed by garbage.</summary>
    public static byte[] CorruptPng()
    {
        var bytes = new byte[200];
        new Random(7).NextBytes(bytes);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes);
        return bytes;
    }

    /// <summary>A one-pixel GIF89a.</summary>
    public static byte[] Gif() =>
        Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static byte[] Text() => Encoding.UTF8.GetBytes("this is not an image, it is text\n");

    /// <summary>
    /// A decompression bomb: a valid PNG of <paramref name="side"/> x <paramref name="side"/> one-bit grey pixels, all
    /// zero, so it deflates to about a thousandth of its decoded size (30000 x 30000: ~110 KB of file, 3.6 GB once decoded
    /// to 32-bit colour).
    /// </summary>
    public static byte[] PngBomb(int side = 30_000)
    {
        var rowBytes = 1 + ((side + 7) / 8);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[rowBytes];
            for (var y = 0; y < side; y++)
            {
                zlib.Write(row);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320, reflected).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
