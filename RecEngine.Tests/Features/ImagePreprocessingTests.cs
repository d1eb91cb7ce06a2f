using RecEngine.Features.Images;
using RecEngine.Features.Spec;
using SkiaSharp;

namespace RecEngine.Tests.Features;

public sealed class ImagePreprocessingTests
{
    private readonly ImagePreprocessing _preprocessing = new(maxPixels: 4096 * 4096);

    [Fact]
    public void A_png_and_a_jpeg_become_the_networks_input()
    {
        foreach (var (bytes, format) in new[] { (TestImages.Png(300, 200), "png"), (TestImages.Jpeg(120, 400), "jpeg") })
        {
            var (input, check) = _preprocessing.Prepare(bytes);
            Assert.True(check.IsValid, check.Message);
            Assert.Equal(format, check.Header!.Format);
            Assert.NotNull(input);
            Assert.Equal(3 * 224 * 224, input.Length);
            Assert.All(input, v => Assert.InRange(v, 0f, 255f));
        }
    }

    [Fact]
    public void The_centred_square_is_kept_and_the_channels_are_blue_green_red()
    {
        // 400 x 200, an orange disc of radius 66 in the middle: after the centre crop (200 x 200) and the resize to 224,
        // the centre pixel is orange (R 255, G 165, B 0) and a corner is the background (R 30, G 60, B 90).
        var (input, check) = _preprocessing.Prepare(TestImages.Png(400, 200));
        Assert.True(check.IsValid, check.Message);
        const int plane = 224 * 224;
        var centre = (112 * 224) + 112;
        Assert.Equal(0f, input![centre], 1f);
        Assert.Equal(165f, input[plane + centre], 1f);
        Assert.Equal(255f, input[(2 * plane) + centre], 1f);
        Assert.Equal(90f, input[0], 1f);
        Assert.Equal(60f, input[plane], 1f);
        Assert.Equal(30f, input[2 * plane], 1f);
    }

    [Fact]
    public void The_mean_image_is_subtracted()
    {
        var mean = Enumerable.Repeat(10f, 3 * 224 * 224).ToArray();
        var (plain, _) = _preprocessing.Prepare(TestImages.Png());
        var (centred, _) = new ImagePreprocessing(4096 * 4096, mean).Prepare(TestImages.Png());
        Assert.Equal(plain![1000] - 10f, centred![1000], 3);
    }

    [Theory]
    [InlineData("empty", "Empty")]
    [InlineData("gif", "WrongType")]
    [InlineData("text", "WrongType")]
    [InlineData("corrupt-png", "Corrupt")]
    [InlineData("truncated-jpeg", "Corrupt")]
    [InlineData("bomb", "TooManyPixels")]
    public void A_bad_image_is_named_and_never_throws(string name, string problem)
    {
        var expected = Enum.Parse<ImageProblem>(problem);
        var bytes = Bad(name);
        var (input, check) = _preprocessing.Prepare(bytes);
        Assert.Null(input);
        Assert.Equal(expected, check.Problem);
        Assert.False(string.IsNullOrWhiteSpace(check.Message));
        Assert.Equal(expected, _preprocessing.Validate(bytes).Problem);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header_before_decoding()
    {
        var bomb = TestImages.PngBomb();
        Assert.True(bomb.Length < 1_000_000, $"the bomb is {bomb.Length} bytes");
        var check = _preprocessing.Inspect(bomb);
        Assert.Equal(ImageProblem.TooManyPixels, check.Problem);
        Assert.Contains("30000 x 30000", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_image_at_the_limit_passes_and_one_pixel_over_does_not()
    {
        var small = new ImagePreprocessing(maxPixels: 64 * 48);
        Assert.True(small.Inspect(TestImages.Png(64, 48)).IsValid);
        Assert.Equal(ImageProblem.TooManyPixels, small.Inspect(TestImages.Png(65, 48)).Problem);
    }

    [Fact]
    public void The_shipped_resnet_embeds_a_thumbnail_in_512_dimensions_and_tells_images_apart()
    {
        using var embedder = ThumbnailEmbedder.Load("", maxPixels: 4096 * 4096, threads: 1);
        var (red, check) = embedder.Embed(TestImages.Png(224, 224, SKColors.Red));
        Assert.True(check.IsValid, check.Message);
        var (red2, _) = embedder.Embed(TestImages.Png(224, 224, SKColors.Red));
        var (green, _) = embedder.Embed(TestImages.Png(224, 224, SKColors.LimeGreen));
        Assert.Equal(ThumbnailEmbedder.Dimensions, red!.Length);
        Assert.All(red, v => Assert.True(float.IsFinite(v) && v >= 0f, $"{v}")); // pooled ReLU activations
        Assert.Equal(red, red2!);
        Assert.True(Distance(red, green!) > 0.01 * Norm(red), "different images, different embeddings");
        Assert.Equal(ImageProblem.TooManyPixels, embedder.Embed(TestImages.PngBomb()).Check.Problem);
    }

    internal static byte[] Bad(string name) => name switch
    {
        "empty" => [],
        "gif" => TestImages.Gif(),
        "text" => TestImages.Text(),
        "corrupt-png" => TestImages.CorruptPng(),
        "truncated-jpeg" => TestImages.TruncatedJpeg(),
        "bomb" => TestImages.PngBomb(),
        _ => throw new ArgumentException(name),
    };

    private static double Norm(float[] a) => Math.Sqrt(a.Sum(x => (double)x * x));

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}
