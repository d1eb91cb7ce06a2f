using System.Collections.Concurrent;
using System.Diagnostics;
using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Features.Images;
using RecEngine.Retrieval;

namespace RecEngine.Simulation;

/// <summary>What <see cref="ColdStartBenchmark"/> measured (snake_case in JSON).</summary>
internal sealed record ColdStartResult(
    int Users,
    int Videos,
    int Days,
    int ColdDays,
    int Seed,
    int K,
    int TrainedVideos,
    int ColdVideos,
    int Pairs,
    int ThumbnailsEmbedded,
    double ProjectionHeldOutR2,
    double RecallMetadata,
    double RecallMetadataThumbnail,
    double RecallThumbnailOnly,
    double Ratio,
    double EmbedSeconds,
    double ImagesPerSecond,
    int EmbedWorkers);

/// <summary>
/// Cold start on the synthetic platform: recall@k of videos uploaded after the model was trained, among their first
/// watchers. The world's history is played for <c>days</c>; embeddings (ALS) are trained on the days before the last
/// <c>coldDays</c>; the videos uploaded from then on are cold (nobody watched them in training). For each cold video,
/// its first <c>watchers</c> users with a positive engagement (in time order, users the model knows) form the pairs;
/// each pair's user ranks every cold video by the inner product of their factors with the video's content vector, and a
/// hit is the video within the top k. Content vectors are built exactly as training builds them
/// (<see cref="ContentVectors"/>): from the metadata (creator, category, tags) alone, then with the thumbnail's projected
/// embedding added (the projection fitted on a sample of the trained videos' thumbnails), and from the thumbnail alone.
/// The thumbnails are the simulator's (<see cref="ThumbnailPainter"/>) run through the real preprocessing and ResNet-18.
/// </summary>
internal static class ColdStartBenchmark
{
    public static ColdStartResult Run(
        SimulationOptions options, int coldDays, int k, int watchers, int fitVideos, int workers, AlsOptions als, TextWriter output, CancellationToken cancellationToken)
    {
        var start = options.Start ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var world = new SimulatedWorld(options with { Start = start }, start);
        var truth = world.Truth;
        var cutDay = options.Days - coldDays;
        var cut = start.AddDays(cutDay);
        output.WriteLine($"Playing {options.Days} days of {truth.UserCount:N0} users and {truth.VideoCount:N0} videos (seed {options.Seed})...");
        var events = Enumerable.Range(0, options.Days).SelectMany(world.History.GenerateDay).ToList();
        var videos = VideoSnapshot.FromVideos(world.Videos(), start.AddDays(options.Days));
        var (interactions, userIds) = RetrievalTrainer.Interactions(events.Where(e => e.Timestamp < cut), videos, als.Alpha);
        output.WriteLine($"Training ALS on days 0-{cutDay - 1}: {interactions.Count:N0} (user, video) pairs, {userIds.Length:N0} users...");
        var model = AlsTrainer.Train(interactions, userIds.Length, videos.Count, als, cancellationToken: cancellationToken);
        var f = model.Factors;
        var trained = new bool[videos.Count];
        foreach (var i in interactions)
        {
            trained[i.Item] = true;
        }

        var cold = Enumerable.Range(0, videos.Count).Where(v => videos.UploadedAt[v] >= cut).ToArray();
        var pairs = FirstWatchers(events, cut, videos, cold, userIds, watchers, als.Alpha);
        output.WriteLine($"{cold.Length:N0} cold videos, {pairs.Count:N0} (first watcher, video) pairs.");

        // Thumbnails: every cold video, and a sample of the trained ones to fit the projection on.
        var trainedIndexes = Enumerable.Range(0, videos.Count).Where(v => trained[v]).ToArray();
        var step = Math.Max(1, trainedIndexes.Length / Math.Max(1, fitVideos));
        var toEmbed = trainedIndexes.Where((_, n) => n % step == 0).Take(fitVideos).Concat(cold).ToArray();
        var embeddings = new float[]?[videos.Count];
        output.WriteLine($"Drawing and embedding {toEmbed.Length:N0} thumbnails on {workers} worker(s)...");
        var clock = Stopwatch.StartNew();
        using (var embedder = ThumbnailEmbedder.Load("", maxPixels: 4096 * 4096, threads: 1))
        {
            var done = 0;
            Parallel.ForEach(
                Partitioner.Create(0, toEmbed.Length, 16),
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
                range =>
                {
                    for (var n = range.Item1; n < range.Item2; n++)
                    {
                        var v = toEmbed[n];
                        var (embedding, check) = embedder.Embed(ThumbnailPainter.Paint(truth, truth.VideoIndex(videos.Ids[v])));
                        embeddings[v] = embedding ?? throw new InvalidOperationException($"A synthetic thumbnail failed: {check.Message}");
                        if (Interlocked.Increment(ref done) % 500 == 0)
                        {
                            output.WriteLine($"  {done:N0} of {toEmbed.Length:N0} ({done / clock.Elapsed.TotalSeconds:0.0} images/s)");
                        }
                    }
                });
        }

        var embedSeconds = clock.Elapsed.TotalSeconds;
        var metadata = Enumerable.Range(0, videos.Count)
            .Select(v => new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]))
            .ToList();
        var plain = ContentVectors.Fill(metadata, model.ItemFactors, f, trained);
        var (withThumbnail, projection) = ContentVectors.FillWithThumbnails(metadata, model.ItemFactors, f, trained, embeddings);
        if (projection is null)
        {
            throw new InvalidOperationException($"Fewer than {VisualProjection.MinimumRows} trained videos have a thumbnail: raise --fit-videos.");
        }

        var thumbnailOnly = ContentVectors.Fill(metadata, model.ItemFactors, f, trained, new ContentWeights(0, 0, 0, 1), ContentVectors.Untrained(projection, embeddings, trained));
        var recallPlain = Recall(pairs, cold, plain, model, k);
        var recallThumbnail = Recall(pairs, cold, withThumbnail, model, k);
        var recallOnly = Recall(pairs, cold, thumbnailOnly, model, k);
        return new ColdStartResult(
            truth.UserCount, truth.VideoCount, options.Days, coldDays, options.Seed, k, trainedIndexes.Length, cold.Length, pairs.Count, toEmbed.Length,
            projection.HeldOutR2, recallPlain, recallThumbnail, recallOnly, recallPlain > 0 ? recallThumbnail / recallPlain : double.NaN,
            embedSeconds, toEmbed.Length / embedSeconds, workers);
    }

    /// <summary>Each cold video's first <paramref name="watchers"/> distinct users with a positive engagement after the cut whom the model knows: (user row, video).</summary>
    internal static List<(int User, int Video)> FirstWatchers(
        List<InteractionEvent> events, DateTime cut, VideoSnapshot videos, int[] cold, string[] userIds, int watchers, double alpha)
    {
        var isCold = new HashSet<int>(cold);
        var userRow = userIds.Select((id, row) => (id, row)).ToDictionary(p => p.id, p => p.row, StringComparer.Ordinal);
        var seen = new Dictionary<int, HashSet<int>>();
        var pairs = new List<(int, int)>();
        foreach (var e in events.Where(e => e.Timestamp >= cut).OrderBy(e => e.Timestamp))
        {
            if (!videos.TryGetIndex(e.VideoId, out var v) || !isCold.Contains(v) || !userRow.TryGetValue(e.UserId, out var u))
            {
                continue;
            }

            if (EngagementConfidence.Strength(e.Type, e.WatchSeconds / Math.Max(1f, videos.DurationSeconds[v])) <= 0)
            {
                continue;
            }

            var users = seen.TryGetValue(v, out var s) ? s : seen[v] = [];
            if (users.Count < watchers && users.Add(u))
            {
                pairs.Add((u, v));
            }
        }

        return pairs;
    }

    /// <summary>Share of pairs whose video is among the top k cold videos for the user (micro-averaged).</summary>
    internal static double Recall(List<(int User, int Video)> pairs, int[] cold, float[] content, AlsModel model, int k)
    {
        if (pairs.Count == 0)
        {
            return 0;
        }

        var f = model.Factors;
        var hits = 0;
        var scores = new float[cold.Length];
        foreach (var group in pairs.GroupBy(p => p.User))
        {
            var user = model.UserVector(group.Key);
            for (var n = 0; n < cold.Length; n++)
            {
                scores[n] = System.Numerics.Tensors.TensorPrimitives.Dot(user, content.AsSpan(cold[n] * f, f));
            }

            foreach (var (_, video) in group)
            {
                // Rank of the video: how many cold videos score higher.
                var mine = scores[Array.IndexOf(cold, video)];
                var higher = scores.Count(s => s > mine);
                if (higher < k)
                {
                    hits++;
                }
            }
        }

        return (double)hits / pairs.Count;
    }
}
