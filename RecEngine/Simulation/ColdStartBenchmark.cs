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
    double SessionsPerUserDay,
    int K,
    int TrainedVideos,
    int ColdVideos,
    int Pairs,
    int ThumbnailsEmbedded,
    double ThumbnailWeight,
    double ProjectionHeldOutR2,
    double Chance,
    double RecallTitleTags,
    double RecallTitleTagsThumbnail,
    double Ratio,
    double RecallMetadata,
    double RecallMetadataThumbnail,
    double RatioWithCreator,
    double RecallThumbnailOnly,
    double RecallHiddenAffinity,
    double RecallHiddenTaste,
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
/// The comparison is title and tags only (the simulator's titles name the category: <c>Music #12</c>) against
/// title, tags and thumbnail; the same with the creator is reported beside it, since serving uses the creator too.
/// The thumbnails are the simulator's (<see cref="ThumbnailPainter"/>) run through the real preprocessing and ResNet-18;
/// <c>cache</c> keeps their embeddings in a file, so reruns with other weights skip the minutes of embedding.
/// </summary>
internal static class ColdStartBenchmark
{
    public static ColdStartResult Run(
        SimulationOptions options, int coldDays, int k, int watchers, int fitVideos, int workers, AlsOptions als, TextWriter output, CancellationToken cancellationToken,
        double thumbnailWeight = 3.0, string? cache = null)
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
        var support = new int[videos.Count];
        foreach (var i in interactions)
        {
            trained[i.Item] = true;
            support[i.Item]++;
        }

        var cold = Enumerable.Range(0, videos.Count).Where(v => videos.UploadedAt[v] >= cut).ToArray();
        var pairs = FirstWatchers(events, cut, videos, cold, userIds, watchers, als.Alpha);
        output.WriteLine($"{cold.Length:N0} cold videos, {pairs.Count:N0} (first watcher, video) pairs.");

        // Thumbnails: every cold video, and a sample of the trained ones to fit the projection on.
        var trainedIndexes = Enumerable.Range(0, videos.Count).Where(v => trained[v]).ToArray();
        var step = Math.Max(1, trainedIndexes.Length / Math.Max(1, fitVideos));
        var toEmbed = trainedIndexes.Where((_, n) => n % step == 0).Take(fitVideos).Concat(cold).ToArray();
        var embeddings = new float[]?[videos.Count];
        var worldKey = $"seed {options.Seed}, {options.Videos} videos, {options.Topics} topics, painter {ThumbnailPainter.Version}";
        var cached = ReadCache(cache, worldKey, videos.Ids, toEmbed, embeddings);
        var missing = toEmbed.Where(v => embeddings[v] is null).ToArray();
        output.WriteLine($"Drawing and embedding {missing.Length:N0} thumbnails on {workers} worker(s) ({cached:N0} from the cache)...");
        var clock = Stopwatch.StartNew();
        if (missing.Length > 0)
        {
            using var embedder = ThumbnailEmbedder.Load("", maxPixels: 4096 * 4096, threads: 1);
            var done = 0;
            Parallel.ForEach(
                Partitioner.Create(0, missing.Length, 16),
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
                range =>
                {
                    for (var n = range.Item1; n < range.Item2; n++)
                    {
                        var v = missing[n];
                        var (embedding, check) = embedder.Embed(ThumbnailPainter.Paint(truth, truth.VideoIndex(videos.Ids[v])));
                        embeddings[v] = embedding ?? throw new InvalidOperationException($"A synthetic thumbnail failed: {check.Message}");
                        if (Interlocked.Increment(ref done) % 500 == 0)
                        {
                            output.WriteLine($"  {done:N0} of {missing.Length:N0} ({done / clock.Elapsed.TotalSeconds:0.0} images/s)");
                        }
                    }
                });
            WriteCache(cache, worldKey, videos.Ids, embeddings);
        }

        var embedSeconds = clock.Elapsed.TotalSeconds;
        var metadata = Enumerable.Range(0, videos.Count)
            .Select(v => new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]))
            .ToList();
        var projection = VisualProjection.Fit(embeddings, model.ItemFactors, f, trained, support)
            ?? throw new InvalidOperationException($"Fewer than {VisualProjection.MinimumRows} trained videos have a thumbnail: raise --fit-videos.");
        var visual = ContentVectors.Untrained(projection, embeddings, trained);
        double RecallOf(ContentWeights weights, bool thumbnails) =>
            Recall(pairs, cold, ContentVectors.Fill(metadata, model.ItemFactors, f, trained, weights, thumbnails ? visual : null), model, k);
        var defaults = new ContentWeights(Thumbnail: thumbnailWeight);
        var titleTags = defaults with { Creator = 0 };
        var recallTitleTags = RecallOf(titleTags, thumbnails: false);
        var recallTitleTagsThumbnail = RecallOf(titleTags, thumbnails: true);
        var recallMetadata = RecallOf(defaults, thumbnails: false);
        var recallMetadataThumbnail = RecallOf(defaults, thumbnails: true);
        var recallOnly = RecallOf(new ContentWeights(0, 0, 0, 1), thumbnails: true);

        // Two ceilings from the ground truth: the users' hidden affinity for the cold videos (what nothing in factor space
        // can beat), and a perfect "thumbnail": each video's hidden taste vector, mapped to factors the same way.
        var recallAffinity = HiddenAffinityRecall(pairs, cold, truth, videos, userIds, k);
        var taste = Enumerable.Range(0, videos.Count).Select(v => (float[]?)truth.VideoVector(truth.VideoIndex(videos.Ids[v])).ToArray()).ToList();
        var tasteProjection = VisualProjection.Fit(taste, model.ItemFactors, f, trained, support)!;
        var recallTaste = Recall(pairs, cold, ContentVectors.Fill(metadata, model.ItemFactors, f, trained, titleTags, ContentVectors.Untrained(tasteProjection, taste, trained)), model, k);
        return new ColdStartResult(
            truth.UserCount, truth.VideoCount, options.Days, coldDays, options.Seed, options.MeanSessionsPerUserDay, k, trainedIndexes.Length, cold.Length, pairs.Count,
            toEmbed.Length, thumbnailWeight, projection.HeldOutR2, Math.Min(1.0, (double)k / cold.Length),
            recallTitleTags, recallTitleTagsThumbnail, Ratio(recallTitleTagsThumbnail, recallTitleTags),
            recallMetadata, recallMetadataThumbnail, Ratio(recallMetadataThumbnail, recallMetadata),
            recallOnly, recallAffinity, recallTaste, embedSeconds, missing.Length / Math.Max(embedSeconds, 1e-9), workers);
    }

    private static double Ratio(double a, double b) => b > 0 ? a / b : double.NaN;

    /// <summary><see cref="Recall"/> with the users' hidden affinity (u · v of the ground truth) as the score.</summary>
    private static double HiddenAffinityRecall(List<(int User, int Video)> pairs, int[] cold, GroundTruth truth, VideoSnapshot videos, string[] userIds, int k)
    {
        var topics = truth.Topics;
        var coldTaste = new float[cold.Length * topics];
        for (var n = 0; n < cold.Length; n++)
        {
            truth.VideoVector(truth.VideoIndex(videos.Ids[cold[n]])).CopyTo(coldTaste.AsSpan(n * topics, topics));
        }

        var users = pairs.Select(p => p.User).Distinct().ToArray();
        var userTaste = new float[users.Length * topics];
        var row = new Dictionary<int, int>();
        for (var n = 0; n < users.Length; n++)
        {
            row[users[n]] = n;
            truth.UserVector(truth.UserIndex(userIds[users[n]])).CopyTo(userTaste.AsSpan(n * topics, topics));
        }

        // The hidden vectors as a one-factor-per-topic model: users' rows are their tastes, the cold videos' theirs.
        var content = new float[(cold.Max() + 1) * topics];
        for (var n = 0; n < cold.Length; n++)
        {
            coldTaste.AsSpan(n * topics, topics).CopyTo(content.AsSpan(cold[n] * topics, topics));
        }

        var model = new AlsModel(users.Length, 0, topics, 0, userTaste, [], new double[topics * topics]);
        return Recall(pairs.Select(p => (row[p.User], p.Video)).ToList(), cold, content, model, k);
    }

    /// <summary>Fills embeddings of <paramref name="wanted"/> videos from the cache file (id, then 512 floats); returns how many.</summary>
    private static int ReadCache(string? cache, string worldKey, string[] ids, int[] wanted, float[]?[] embeddings)
    {
        if (cache is null || !File.Exists(cache))
        {
            return 0;
        }

        var stored = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using (var reader = new BinaryReader(File.OpenRead(cache)))
        {
            // Another world's thumbnails (or another painter's) are not these.
            if (reader.ReadString() != worldKey)
            {
                return 0;
            }

            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var id = reader.ReadString();
                var e = new float[ThumbnailEmbedder.Dimensions];
                for (var d = 0; d < e.Length; d++)
                {
                    e[d] = reader.ReadSingle();
                }

                stored[id] = e;
            }
        }

        var found = 0;
        foreach (var v in wanted)
        {
            if (stored.TryGetValue(ids[v], out var e))
            {
                embeddings[v] = e;
                found++;
            }
        }

        return found;
    }

    private static void WriteCache(string? cache, string worldKey, string[] ids, float[]?[] embeddings)
    {
        if (cache is null)
        {
            return;
        }

        using var writer = new BinaryWriter(File.Create(cache));
        writer.Write(worldKey);
        for (var v = 0; v < ids.Length; v++)
        {
            if (embeddings[v] is { } e)
            {
                writer.Write(ids[v]);
                foreach (var x in e)
                {
                    writer.Write(x);
                }
            }
        }
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

    /// <summary>
    /// Share of pairs whose video is among the top k cold videos for the user (micro-averaged), ties broken at random:
    /// a video tied with others counts the chance that it lands in the top k. Content vectors built from groups tie
    /// whole groups (every cold video of a category with the same tags has the same vector), and counting a tie as a
    /// hit would credit such a coarse vector with a precision it does not have.
    /// </summary>
    internal static double Recall(List<(int User, int Video)> pairs, int[] cold, float[] content, AlsModel model, int k)
    {
        if (pairs.Count == 0)
        {
            return 0;
        }

        var f = model.Factors;
        var hits = 0.0;
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
                var tied = scores.Count(s => s == mine);
                hits += Math.Clamp((double)(k - higher) / tied, 0.0, 1.0);
            }
        }

        return hits / pairs.Count;
    }
}
