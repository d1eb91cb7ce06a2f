using RecEngine.Features.Spec;
using RecEngine.Simulation;
using SkiaSharp;

namespace RecEngine.Tests.Simulation;

public sealed class ThumbnailPainterTests
{
    [Fact]
    public void The_same_world_draws_the_same_thumbnails_and_they_pass_preprocessing()
    {
        var a = TestWorlds.Create(seed: 5).Truth;
        var b = TestWorlds.Create(seed: 5).Truth;
        var other = TestWorlds.Create(seed: 6).Truth;
        Assert.Equal(ThumbnailPainter.Paint(a, 3), ThumbnailPainter.Paint(b, 3));
        Assert.NotEqual(ThumbnailPainter.Paint(a, 3), ThumbnailPainter.Paint(other, 3));
        var check = new ImagePreprocessing(4096 * 4096).Validate(ThumbnailPainter.Paint(a, 3));
        Assert.True(check.IsValid, check.Message);
        Assert.Equal((ThumbnailPainter.Width, ThumbnailPainter.Height), (check.Header!.Width, check.Header.Height));
    }

    [Fact]
    public void Videos_of_similar_taste_look_alike_more_than_others()
    {
        // The mean colour of a thumbnail is a crude look; still, videos whose hidden taste vectors are close should be
        // closer in it than videos whose taste vectors are far apart.
        var truth = TestWorlds.Create(seed: 9).Truth;
        var colours = Enumerable.Range(0, 300).Select(v => MeanColour(ThumbnailPainter.Paint(truth, v))).ToArray();
        double near = 0, far = 0;
        int nearCount = 0, farCount = 0;
        for (var i = 0; i < colours.Length; i++)
        {
            for (var j = i + 1; j < colours.Length; j++)
            {
                var cosine = System.Numerics.Tensors.TensorPrimitives.Dot(truth.VideoVector(i), truth.VideoVector(j));
                var distance = Math.Sqrt(colours[i].Zip(colours[j], (x, y) => (x - y) * (x - y)).Sum());
                if (cosine > 0.8)
                {
                    near += distance;
                    nearCount++;
                }
                else if (cosine < 0.2)
                {
                    far += distance;
                    farCount++;
                }
            }
        }

        Assert.True(nearCount > 20 && farCount > 20, $"{nearCount} near pairs, {farCount} far pairs");
        Assert.True(near / nearCount < 0.8 * (far / farCount), $"near {near / nearCount:0.0}, far {far / farCount:0.0}");
    }

    private static double[] MeanColour(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        double r = 0, g = 0, b = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                (r, g, b) = (r + c.Red, g + c.Green, b + c.Blue);
            }
        }

        var n = bitmap.Width * bitmap.Height;
        return [r / n, g / n, b / n];
    }
}
