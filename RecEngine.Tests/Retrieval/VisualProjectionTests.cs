using RecEngine.Retrieval;

namespace RecEngine.Tests.Retrieval;

public sealed class VisualProjectionTests
{
    private const int Dims = 32;
    private const int Factors = 8;

    /// <summary>Items whose factors are a fixed linear map of their embeddings, plus a little noise.</summary>
    private static (float[]?[] Embeddings, float[] Factors, bool[] Trained, float[,] Map) World(int items, int seed = 3)
    {
        var random = new Random(seed);
        var map = new float[Dims, Factors];
        for (var d = 0; d < Dims; d++)
        {
            for (var k = 0; k < Factors; k++)
            {
                map[d, k] = (float)(random.NextDouble() - 0.5);
            }
        }

        var embeddings = new float[]?[items];
        var factors = new float[items * Factors];
        var trained = new bool[items];
        for (var i = 0; i < items; i++)
        {
            var e = Enumerable.Range(0, Dims).Select(_ => (float)random.NextDouble()).ToArray();
            embeddings[i] = e;
            trained[i] = i % 4 != 0;
            for (var k = 0; k < Factors; k++)
            {
                var y = 0f;
                for (var d = 0; d < Dims; d++)
                {
                    y += e[d] * map[d, k];
                }

                factors[(i * Factors) + k] = y + (float)((random.NextDouble() - 0.5) * 0.01);
            }
        }

        return (embeddings, factors, trained, map);
    }

    [Fact]
    public void Ridge_recovers_a_linear_map_and_places_untrained_items_by_it()
    {
        var (embeddings, factors, trained, _) = World(600);
        var projection = VisualProjection.Fit(embeddings, factors, Factors, trained);
        Assert.NotNull(projection);
        Assert.True(projection.HeldOutR2 > 0.9, $"held-out R2 {projection.HeldOutR2}");

        // An untrained item's projected vector is close to the factors it would have had.
        var item = 0;
        Assert.False(trained[item]);
        var projected = projection.Project(embeddings[item]);
        var actual = factors.AsSpan(item * Factors, Factors).ToArray();
        var error = Math.Sqrt(projected.Zip(actual, (p, a) => (double)(p - a) * (p - a)).Sum());
        var norm = Math.Sqrt(actual.Sum(a => (double)a * a));
        Assert.True(error < 0.2 * norm, $"error {error} against norm {norm}");
    }

    [Fact]
    public void Too_few_trained_items_with_a_thumbnail_fit_nothing()
    {
        var (embeddings, factors, trained, _) = World(40);
        Assert.Null(VisualProjection.Fit(embeddings, factors, Factors, trained));
    }

    [Fact]
    public void Save_and_load_give_the_same_projection_and_a_truncated_file_is_refused()
    {
        var (embeddings, factors, trained, _) = World(300);
        var projection = VisualProjection.Fit(embeddings, factors, Factors, trained)!;
        var path = Path.Combine(Path.GetTempPath(), $"projection-{Guid.NewGuid():N}.bin");
        try
        {
            projection.Save(path);
            var loaded = VisualProjection.Load(path);
            Assert.Equal(projection.Project(embeddings[0]), loaded.Project(embeddings[0]));
            Assert.Equal(projection.Lambda, loaded.Lambda);
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..100]);
            Assert.Throws<InvalidDataException>(() => VisualProjection.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Content_vectors_of_untrained_items_move_to_their_thumbnail_and_trained_rows_stay()
    {
        var (embeddings, factors, trained, _) = World(400);
        var metadata = Enumerable.Range(0, 400).Select(i => new ItemMetadata("c", [], "creator")).ToList();
        var plain = ContentVectors.Fill(metadata, factors, Factors, trained);
        var (withThumbnails, projection) = ContentVectors.FillWithThumbnails(metadata, factors, Factors, trained, embeddings);
        Assert.NotNull(projection);
        for (var i = 0; i < 400; i++)
        {
            var row = withThumbnails.AsSpan(i * Factors, Factors).ToArray();
            var truth = factors.AsSpan(i * Factors, Factors).ToArray();
            if (trained[i])
            {
                Assert.Equal(truth, row);
                continue;
            }

            // Every untrained item shares the same metadata, so without thumbnails they all sit at one point; with them,
            // each is nearer its own factors.
            var plainRow = plain.AsSpan(i * Factors, Factors).ToArray();
            Assert.True(Distance(row, truth) < Distance(plainRow, truth), $"item {i}");
        }

        // Without embeddings, the same as before.
        Assert.Equal(plain, ContentVectors.FillWithThumbnails(metadata, factors, Factors, trained, null).Filled);
    }

    [Fact]
    public void A_projection_that_explains_nothing_held_out_is_not_used()
    {
        var (embeddings, _, trained, _) = World(600);
        var random = new Random(11);
        var unrelated = Enumerable.Range(0, 600 * Factors).Select(_ => (float)random.NextDouble()).ToArray();
        var metadata = Enumerable.Range(0, 600).Select(i => new ItemMetadata("c", [], "creator")).ToList();
        VisualProjection? heard = null;
        var (filled, projection) = ContentVectors.FillWithThumbnails(metadata, unrelated, Factors, trained, embeddings, fitted: p => heard = p);
        Assert.NotNull(heard);
        Assert.True(heard.HeldOutR2 < VisualProjection.MinimumHeldOutR2, $"held-out R2 {heard.HeldOutR2}");
        Assert.Null(projection);
        Assert.Equal(ContentVectors.Fill(metadata, unrelated, Factors, trained), filled);
        Assert.NotNull(ContentVectors.FillWithThumbnails(metadata, unrelated, Factors, trained, embeddings, minimumR2: -1).Projection);
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());
}
