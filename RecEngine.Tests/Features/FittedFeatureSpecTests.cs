using RecEngine.Features.Spec;

namespace RecEngine.Tests.Features;

public sealed class FittedFeatureSpecTests
{
    private static readonly FeatureSpec Spec = new(
        [
            new NumericFeature("plain", NumericTransform.Standardize),
            new NumericFeature("count", NumericTransform.Log1p, NonNegative: true),
            new NumericFeature("duration", NumericTransform.Quantile, NonNegative: true),
        ],
        [new CategoricalFeature("category"), new CategoricalFeature("creator", MinCount: 2)],
        [new TextFeature("title", Buckets: 101, MaxTokens: 4)]);

    private static FittedFeatureSpec Fitted()
    {
        // plain: 1..5 (median 3, mean 3, sample std sqrt(2.5)); count: 0..4; duration: 10..50.
        var rows = Enumerable.Range(1, 5).Select(i => new FeatureRow(
            [i, i - 1, 10 * i],
            [i % 2 == 0 ? "music" : "news", i == 5 ? "lonely" : "cr"],
            [$"Title {i}"])).ToList();
        rows.Add(new FeatureRow([double.NaN, -3, double.PositiveInfinity], [null, null], [null]));
        return FittedFeatureSpec.Fit(Spec, rows);
    }

    [Fact]
    public void StandardizeAndLog1pUseFittedMoments()
    {
        var fitted = Fitted();
        Assert.Equal(3, fitted.Numeric[0].Median);
        Assert.Equal(3, fitted.Numeric[0].Mean, 12);
        Assert.Equal(Math.Sqrt(2.5), fitted.Numeric[0].Std, 12);
        var logs = new[] { 0, 1, 2, 3, 4 }.Select(x => Math.Log(1 + x)).ToArray();
        Assert.Equal(logs.Average(), fitted.Numeric[1].Mean, 12);

        var dense = new float[Spec.DenseWidth];
        fitted.TransformNumeric([5, 4, 30], dense);
        Assert.Equal((float)((5 - 3) / Math.Sqrt(2.5)), dense[0], 6);
        Assert.Equal(0f, dense[1]);
        Assert.Equal((float)((Math.Log(5) - fitted.Numeric[1].Mean) / fitted.Numeric[1].Std), dense[2], 6);
        Assert.Equal(0f, dense[3]);
    }

    [Fact]
    public void QuantileGivesCdfWithSquareAndRootCompanions()
    {
        var fitted = Fitted();
        var dense = new float[Spec.DenseWidth];
        fitted.TransformNumeric([3, 2, 1000], dense);
        Assert.Equal(1f, dense[4]);
        Assert.Equal(1f, dense[5]);
        Assert.Equal(1f, dense[6]);
        fitted.TransformNumeric([3, 2, 0], dense);
        Assert.Equal(0f, dense[4]);

        Assert.Equal(0.5, FittedFeatureSpec.Cdf([10, 20, 30, 40], 25));
        Assert.Equal(0.625, FittedFeatureSpec.Cdf([10, 20, 30, 40], 30)); // (3 + 2) / 8: a tie sits mid-step
        fitted.TransformNumeric([3, 2, 30], dense);
        Assert.Equal(dense[4] * dense[4], dense[5], 6);
        Assert.Equal(MathF.Sqrt(dense[4]), dense[6], 6);
        Assert.InRange(dense[4], 0.5f, 0.7f); // 30 is the middle of 10..50
    }

    [Fact]
    public void BadValuesAreImputedWithTheMedianFlaggedAndCounted()
    {
        var fitted = Fitted();
        var dense = new float[Spec.DenseWidth];
        fitted.TransformNumeric([double.NaN, -7, double.NegativeInfinity], dense);

        Assert.Equal(0f, dense[0], 6); // median 3 standardised
        Assert.Equal(1f, dense[1]);
        Assert.Equal((float)((Math.Log(1 + fitted.Numeric[1].Median) - fitted.Numeric[1].Mean) / fitted.Numeric[1].Std), dense[2], 6);
        Assert.Equal(1f, dense[3]);
        Assert.Equal(1f, dense[7]);
        Assert.All(dense, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1, fitted.Quality.Missing(0));
        Assert.Equal(1, fitted.Quality.Negative(1));
        Assert.Equal(1, fitted.Quality.NonFinite(2));
    }

    [Fact]
    public void UnseenAndRareCategoriesGoToTheOutOfVocabularyBucket()
    {
        var fitted = Fitted();
        var music = fitted.CategoricalId(0, "music");
        Assert.InRange(music, 1, fitted.Categorical[0].Buckets - 1);
        Assert.NotEqual(music, fitted.CategoricalId(0, "news"));
        Assert.Equal(0, fitted.CategoricalId(0, "cooking"));
        Assert.Equal(0, fitted.CategoricalId(0, null));
        Assert.Equal(0, fitted.CategoricalId(1, "lonely")); // seen once, MinCount 2
        Assert.NotEqual(0, fitted.CategoricalId(1, "cr"));
        Assert.Equal(1, fitted.Quality.Unseen(0));
        Assert.Equal(1, fitted.Quality.Unseen(1));
        Assert.Equal(1, fitted.Quality.Missing(Spec.Numeric.Count));
    }

    [Fact]
    public void TextBecomesPaddedHashedTokens()
    {
        var fitted = Fitted();
        var ids = new long[4];
        fitted.TextIds(0, "Cats, cats & DOGS!", ids);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(0, ids[2]);
        Assert.Equal(0, ids[3]);
        Assert.Equal(FeatureHashing.Bucket(FeatureHashing.Fnv1a64("dogs"), 101), ids[2]);
        fitted.TextIds(0, "one two three four five six", ids);
        Assert.DoesNotContain(0L, ids);
    }

    [Fact]
    public void HashIsStableFnv1a()
    {
        // Published FNV-1a 64-bit test vectors.
        Assert.Equal(0xcbf29ce484222325UL, FeatureHashing.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, FeatureHashing.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, FeatureHashing.Fnv1a64("foobar"));
    }

    [Fact]
    public void SavedStatisticsTransformIdentically()
    {
        var fitted = Fitted();
        var path = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        try
        {
            fitted.Save(path);
            var loaded = FittedFeatureSpec.Load(path);
            var a = new float[Spec.DenseWidth];
            var b = new float[Spec.DenseWidth];
            foreach (var raw in new double[][] { [1, 2, 25], [double.NaN, 0, 12], [9, 100, -1] })
            {
                fitted.TransformNumeric(raw, a);
                loaded.TransformNumeric(raw, b);
                Assert.Equal(a, b);
            }

            Assert.Equal(fitted.CategoricalId(0, "music"), loaded.CategoricalId(0, "music"));
            Assert.Equal(NumericTransform.Quantile, loaded.Spec.Numeric[2].Transform);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BucketsGrowWithTheVocabularyUpToTheCap()
    {
        var small = FittedFeatureSpec.Fit(new FeatureSpec([], [new CategoricalFeature("c")], []),
            Enumerable.Range(0, 4).Select(i => new FeatureRow([], [$"v{i}"], [])));
        var large = FittedFeatureSpec.Fit(new FeatureSpec([], [new CategoricalFeature("c")], []),
            Enumerable.Range(0, 5000).Select(i => new FeatureRow([], [$"v{i}"], [])));
        Assert.Equal(9, small.Categorical[0].Buckets);      // 2 * 4 + 1
        Assert.Equal(5000, large.Categorical[0].Vocabulary.Length);
        var capped = FittedFeatureSpec.Fit(new FeatureSpec([], [new CategoricalFeature("c", MaxBuckets: 64)], []),
            Enumerable.Range(0, 5000).Select(i => new FeatureRow([], [$"v{i}"], [])));
        Assert.Equal(64, capped.Categorical[0].Buckets);
        Assert.Equal(63, capped.Categorical[0].Vocabulary.Length);
    }
}
