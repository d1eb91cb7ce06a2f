using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Features.Images;
using RecEngine.Features.Spec;
using RecEngine.Lifecycle;
using RecEngine.Training;
using RecEngine.Models;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;
using RecEngine.Tests.Features;
using RecEngine.Tests.Integration;
using RecEngine.Tests.Lifecycle;
using SkiaSharp;

namespace RecEngine.Tests.Training;

public sealed class ThumbnailTrainingTests
{
    [Fact]
    public async Task Training_embeds_stored_thumbnails_and_fits_a_projection_that_places_a_new_video_by_its_thumbnail()
    {
        // The queue is off: training must embed the thumbnails itself. A world of 150 videos is too small for the
        // projection to explain held-out factors (R2 about 0 here), so the test asks for it whatever its R2.
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings(new Dictionary<string, string?>
        {
            ["RecEngine:Thumbnails:EmbedInBackground"] = "false",
            ["RecEngine:Thumbnails:MinimumProjectionR2"] = "-1",
        }));
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        var services = factory.Services;
        var thumbnails = services.GetRequiredService<ThumbnailStore>();
        var videos = services.GetRequiredService<RecEngineStore>().Videos.FindAll().ToList();
        var training = services.GetRequiredService<ModelTraining>();

        foreach (var video in videos)
        {
            thumbnails.Write(video.Id, TestImages.Png(64, 48, Colour(video.Category)), ".png");
        }

        var log = new StringWriter();
        var folderPath = training.Train(windowDays: 5, rankerDays: 2, epochs: 1, log, CancellationToken.None)!;
        var version = Path.GetFileName(folderPath);
        Assert.Equal(PromotionResult.Promoted, services.GetRequiredService<ModelPromoter>().Promote(version, "test", "test", out _));
        var folder = ModelVersionFolder.At(folderPath);
        Assert.True(File.Exists(folder.ThumbnailProjection), "the version holds the thumbnail projection: " + log);
        Assert.Contains("Thumbnails: ", log.ToString(), StringComparison.Ordinal);
        Assert.Empty(folder.Verify());
        Assert.All(videos, v => Assert.True(thumbnails.HasEmbedding(v.Id), $"{v.Id} was embedded by training"));

        // The ranker reads the thumbnails too where the projection is used (here whatever its R2): its
        // thumbnail_affinity input was observed in training, and a served snapshot gives it for every video with an
        // embedding (and NaN without thumbnails).
        var affinity = RankingFeatures.Spec.Numeric.Select(n => n.Name).ToList().IndexOf("thumbnail_affinity");
        Assert.True(affinity >= 0);
        Assert.True(FittedFeatureSpec.Load(folder.FeatureSpec).Numeric[affinity].Observed, "thumbnail_affinity was observed in training");
        AssertAffinity(services, folder.Path, thumbnails, expectFinite: true);
        AssertAffinity(services, folder.Path, null, expectFinite: false);

        // A video uploaded after training, with a thumbnail (embedded by the queue's own step, as the background would).
        using var client = factory.CreateClient();
        await TestWorld.AddVideoAsync(client, "brand-new", category: videos[0].Category);
        using var body = new ByteArrayContent(TestImages.Png(64, 48, SKColors.DeepPink));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var put = await client.PutAsync("/v1/videos/brand-new/thumbnail", body);
        await HttpAssert.StatusAsync(HttpStatusCode.Created, put);
        Assert.True(services.GetRequiredService<ThumbnailEmbeddingQueue>().Process("brand-new"));

        var withThumbnail = NewVideoVector(services, folder.Path, thumbnails);
        var withoutThumbnail = NewVideoVector(services, folder.Path, null);
        Assert.NotEqual(withoutThumbnail, withThumbnail);
    }

    private static float[] NewVideoVector(IServiceProvider services, string versionDir, ThumbnailStore? thumbnails)
    {
        var videos = VideoSnapshot.Build(services.GetRequiredService<RecEngineStore>(), DateTime.UtcNow);
        using var snapshot = ServingSnapshot.Load(
            versionDir, videos, TrendingIndex.Empty(videos),
            services.GetRequiredService<IOptions<VectorIndexOptions>>().Value, services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value,
            services.GetRequiredService<IOptions<AlsOptions>>().Value, services.GetRequiredService<IOptions<CandidateOptions>>().Value, thumbnails);
        Assert.True(videos.TryGetIndex("brand-new", out var index));
        return snapshot.Retrieval.ItemVector(index, new float[snapshot.Retrieval.Als.Factors]).ToArray();
    }

    private static void AssertAffinity(IServiceProvider services, string versionDir, ThumbnailStore? thumbnails, bool expectFinite)
    {
        var videos = VideoSnapshot.Build(services.GetRequiredService<RecEngineStore>(), DateTime.UtcNow);
        using var snapshot = ServingSnapshot.Load(
            versionDir, videos, TrendingIndex.Empty(videos),
            services.GetRequiredService<IOptions<VectorIndexOptions>>().Value, services.GetRequiredService<IOptions<OnnxRankerOptions>>().Value,
            services.GetRequiredService<IOptions<AlsOptions>>().Value, services.GetRequiredService<IOptions<CandidateOptions>>().Value, thumbnails);
        var user = new float[snapshot.Retrieval.Als.Factors];
        Array.Fill(user, 0.5f);
        var values = Enumerable.Range(0, videos.Count).Select(v => snapshot.Retrieval.VisualDot(user, v)).ToList();
        if (expectFinite)
        {
            Assert.All(values, x => Assert.True(double.IsFinite(x)));
            Assert.True(values.Distinct().Count() > 1, "thumbnails of different colours project apart");
        }
        else
        {
            Assert.All(values, x => Assert.True(double.IsNaN(x)));
        }
    }

    private static SKColor Colour(string category)
    {
        var hash = (uint)category.Aggregate(17, (h, c) => (h * 31) + c);
        return SKColor.FromHsv(hash % 360, 80, 90);
    }
}
