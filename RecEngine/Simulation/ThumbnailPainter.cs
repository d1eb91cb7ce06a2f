using SkiaSharp;

namespace RecEngine.Simulation;

/// <summary>
/// Draws a synthetic thumbnail for a video whose look follows its hidden taste vector, plus noise (docs/simulation.md,
/// Thumbnails). Each topic owns a hue (spread around the colour wheel by the golden angle) and a shape (disc, square,
/// diamond or stripe). The background takes the hue of the video's strongest topic; then 14 shapes are drawn, each
/// of a topic drawn with probability proportional to the squared positive part of the video's weight on it, except
/// that a share <see cref="NoiseShare"/> of them take a topic drawn uniformly. Positions, sizes, saturation and
/// brightness are random. So the image tells the video's topic mix with noise: a signal, not a label. 160 x 120 PNG
/// (not square, so the preprocessing's crop has work to do). Seeded per video: the same world draws the same images.
/// </summary>
internal static class ThumbnailPainter
{
    /// <summary>Changes with the drawing, so cached embeddings of older drawings are not reused.</summary>
    public const int Version = 1;

    public const int Width = 160;
    public const int Height = 120;
    public const int Shapes = 14;
    public const double NoiseShare = 0.25;

    private const long ThumbnailStream = 21;

    public static byte[] Paint(GroundTruth truth, int video)
    {
        var rng = SimRandom.For(truth.Options.Seed, ThumbnailStream, video);
        var taste = truth.VideoVector(video);
        var weights = new double[taste.Length];
        var top = 0;
        for (var k = 0; k < taste.Length; k++)
        {
            weights[k] = taste[k] > 0 ? (double)taste[k] * taste[k] : 0.0;
            top = taste[k] > taste[top] ? k : top;
        }

        var total = weights.Sum();
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Colour(top, rng, saturation: 0.35, value: 0.35));
            using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
            for (var s = 0; s < Shapes; s++)
            {
                var topic = rng.Chance(NoiseShare) || total <= 0 ? rng.NextInt(taste.Length) : Draw(weights, total, rng);
                paint.Color = Colour(topic, rng, saturation: 0.6 + (0.4 * rng.NextDouble()), value: 0.6 + (0.4 * rng.NextDouble()));
                var x = (float)(rng.NextDouble() * Width);
                var y = (float)(rng.NextDouble() * Height);
                var size = (float)(10 + (rng.NextDouble() * 30));
                switch (topic % 4)
                {
                    case 0:
                        canvas.DrawCircle(x, y, size / 2, paint);
                        break;
                    case 1:
                        canvas.DrawRect(x - (size / 2), y - (size / 2), size, size, paint);
                        break;
                    case 2:
                        canvas.Save();
                        canvas.RotateDegrees(45, x, y);
                        canvas.DrawRect(x - (size / 3), y - (size / 3), 2 * size / 3, 2 * size / 3, paint);
                        canvas.Restore();
                        break;
                    default:
                        canvas.DrawRect(0, y - (size / 6), Width, size / 3, paint);
                        break;
                }
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static int Draw(double[] weights, double total, SimRandom rng)
    {
        var u = rng.NextDouble() * total;
        for (var k = 0; k < weights.Length; k++)
        {
            u -= weights[k];
            if (u < 0)
            {
                return k;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>The topic's hue (golden-angle spacing keeps neighbours apart) at the given saturation and brightness.</summary>
    private static SKColor Colour(int topic, SimRandom rng, double saturation, double value)
    {
        var hue = (float)(((topic * 137.508) + (rng.NextGaussian() * 6)) % 360 + 360) % 360;
        return SKColor.FromHsv(hue, (float)(100 * saturation), (float)(100 * value));
    }
}
