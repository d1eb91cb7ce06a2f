using RecEngine.Retrieval;
using RecEngine.Simulation;

namespace RecEngine.Tests.Simulation;

public sealed class ColdStartBenchmarkTests
{
    [Fact]
    public void A_tiny_world_measures_cold_start_recall_with_and_without_thumbnails()
    {
        var options = TestWorlds.Options(seed: 3, users: 400, videos: 500, days: 6);
        var result = ColdStartBenchmark.Run(options, coldDays: 2, k: 20, watchers: 5, fitVideos: 120, workers: 1, new AlsOptions { Factors = 16, Iterations = 4 }, TextWriter.Null, CancellationToken.None);
        Assert.True(result.ColdVideos > 20, $"{result.ColdVideos} cold videos");
        Assert.True(result.Pairs > 20, $"{result.Pairs} pairs");
        Assert.Equal(result.ColdVideos + Math.Min(120, result.TrainedVideos), result.ThumbnailsEmbedded);
        foreach (var recall in new[] { result.RecallMetadata, result.RecallMetadataThumbnail, result.RecallThumbnailOnly })
        {
            Assert.InRange(recall, 0.0, 1.0);
        }

        // k covers a fixed share of the cold videos; a ranking no better than chance would find about that share.
        Assert.True(result.RecallMetadata > (double)result.K / result.ColdVideos, $"metadata recall {result.RecallMetadata} against chance {(double)result.K / result.ColdVideos}");
    }

    [Fact]
    public void Recall_counts_a_pair_when_its_video_is_in_the_users_top_k()
    {
        // Two users, three cold videos (rows 0-2), one factor: user 0 likes high values, user 1 low ones.
        var model = new AlsModel(2, 3, 1, 0.1, [1f, -1f], [0f, 0f, 0f], [0.0]);
        float[] content = [3f, 2f, 1f];
        int[] cold = [0, 1, 2];
        Assert.Equal(1.0, ColdStartBenchmark.Recall([(0, 0), (1, 2)], cold, content, model, k: 1));
        Assert.Equal(0.5, ColdStartBenchmark.Recall([(0, 2), (1, 2)], cold, content, model, k: 1));
        Assert.Equal(1.0, ColdStartBenchmark.Recall([(0, 2), (1, 0)], cold, content, model, k: 3));
        // Three tied videos and k = 1: each has a one-in-three chance of the top place.
        Assert.Equal(1.0 / 3, ColdStartBenchmark.Recall([(0, 1)], cold, [5f, 5f, 5f], model, k: 1), 9);
    }
}
