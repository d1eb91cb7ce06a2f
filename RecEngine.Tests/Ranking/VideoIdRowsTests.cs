using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking.Features;

namespace RecEngine.Tests.Ranking;

/// <summary>The per-version cache of a video's own ids gives exactly the ids hashing the video's fields would.</summary>
public sealed class VideoIdRowsTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static VideoSnapshot Catalog(int n, string titlePrefix) => VideoSnapshot.FromVideos(
        Enumerable.Range(0, n).Select(i => new Video
        {
            Id = $"v{i}",
            Title = $"{titlePrefix} {i % 13} clip {i % 5}",
            Category = $"c{i % 6}",
            Tags = i % 3 == 0 ? [] : [$"tag{i % 4}", $"t{i % 9}"],
            CreatorId = $"cr{i % 11}",
            DurationSeconds = 60,
            UploadedAt = Now,
        }), Now);

    /// <summary>What the scorer computed for every candidate before the cache: all fields hashed from their strings.</summary>
    private static long[] Hashed(FittedFeatureSpec spec, VideoSnapshot videos, int video, string? device, string? hour)
    {
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var text = new string?[RankingFeatures.TextCount];
        RankingFeatures.VideoCategorical(video, videos, categorical);
        categorical[3] = device;
        categorical[4] = hour;
        RankingFeatures.Text(video, videos, text);
        var ids = new long[spec.IdWidth];
        spec.Ids(categorical, text, ids);
        return ids;
    }

    private static string?[] Categorical(string? device, string? hour)
    {
        var categorical = new string?[RankingFeatures.CategoricalCount];
        categorical[3] = device;
        categorical[4] = hour;
        return categorical;
    }

    private static FittedFeatureSpec Fit(VideoSnapshot videos)
    {
        // Half the videos (and one creator) are in the vocabulary, so both seen and unseen ids are exercised.
        var rows = Enumerable.Range(0, videos.Count).Where(v => v % 2 == 0 && videos.Creators[videos.CreatorIndex[v]] != "cr3").SelectMany(v =>
        {
            var categorical = new string?[RankingFeatures.CategoricalCount];
            var text = new string?[RankingFeatures.TextCount];
            RankingFeatures.VideoCategorical(v, videos, categorical);
            categorical[3] = "mobile";
            categorical[4] = "7";
            RankingFeatures.Text(v, videos, text);
            var row = new FeatureRow(new double[RankingFeatures.NumericCount], categorical, text);
            return new[] { row, row };
        });
        return FittedFeatureSpec.Fit(RankingFeatures.Spec, rows);
    }

    [Fact]
    public void CachedRowsEqualFreshlyHashedOnesAcrossChunksRepeatsAndSnapshots()
    {
        var videos = Catalog(10_000, "cat video");
        var spec = Fit(videos);
        var rows = new VideoIdRows(spec);
        var row = new long[spec.IdWidth];
        (string? Device, string? Hour)[] showings = [("mobile", "7"), (null, "7"), ("tv", null), ("fridge", "25")];

        // Twice over the catalog (fill, then cached) in a scattered order that crosses chunk boundaries.
        for (var i = 0; i < 20_000; i++)
        {
            var video = (int)((i * 7_919L) % 10_000);
            var (device, hour) = showings[i % showings.Length];
            Array.Fill(row, -1);
            rows.CopyTo(video, videos, rows.ContextIds(Categorical(device, hour)), row);
            Assert.Equal(Hashed(spec, videos, video, device, hour), row);
        }

        Assert.NotEqual(0, rows.ContextIds(Categorical("mobile", "7"))[0]);

        // Another catalog snapshot (different titles at the same indexes) is not served from the first one's rows.
        var renamed = Catalog(10_000, "dog song");
        rows.CopyTo(42, renamed, rows.ContextIds(Categorical(null, null)), row);
        Assert.Equal(Hashed(spec, renamed, 42, null, null), row);
        Assert.NotEqual(Hashed(spec, videos, 42, null, null), row);
    }

    [Fact]
    public async Task ConcurrentReadersAllGetTheHashedRows()
    {
        var videos = Catalog(5_000, "news");
        var spec = Fit(videos);
        var rows = new VideoIdRows(spec);
        var expected = Enumerable.Range(0, videos.Count).Select(v => Hashed(spec, videos, v, null, null)).ToArray();

        var mismatches = await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var row = new long[spec.IdWidth];
            var bad = 0;
            var rng = new Random(t);
            for (var i = 0; i < 20_000; i++)
            {
                var v = rng.Next(videos.Count);
                rows.CopyTo(v, videos, rows.ContextIds(Categorical(null, null)), row);
                bad += row.AsSpan().SequenceEqual(expected[v]) ? 0 : 1;
            }

            return bad;
        })));

        Assert.All(mismatches, m => Assert.Equal(0, m));
    }
}
