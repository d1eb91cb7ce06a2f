using RecEngine.Events;
using RecEngine.Features;
using RecEngine.Hosting;

namespace RecEngine.Retrieval;

/// <summary>
/// Trains candidate generation from an event window: implicit ALS over (user, video) engagement, content-based
/// vectors for videos nobody engaged with yet, and the vector index over every video.
/// </summary>
internal static class RetrievalTrainer
{
    public static RetrievalModel Train(
        IEnumerable<InteractionEvent> window,
        VideoSnapshot videos,
        AlsOptions als,
        VectorIndexOptions indexOptions,
        CancellationToken cancellationToken = default) =>
        Train(window, videos, als, indexOptions, progress: null, name: "embeddings", cancellationToken);

    /// <param name="thumbnails">Each video's thumbnail embedding (null without one), or null: content vectors from metadata only.</param>
    /// <param name="minimumProjectionR2">Held-out R2 the thumbnail projection needs to be used.</param>

    /// <summary>
    /// <paramref name="name"/> labels the progress phases ("embeddings", "feature embeddings"): a training run
    /// fits two retrieval models and the log should say which one is slow.
    /// </summary>
    public static RetrievalModel Train(
        IEnumerable<InteractionEvent> window,
        VideoSnapshot videos,
        AlsOptions als,
        VectorIndexOptions indexOptions,
        TrainingProgress? progress,
        string name,
        CancellationToken cancellationToken,
        IReadOnlyList<float[]?>? thumbnails = null,
        double minimumProjectionR2 = VisualProjection.MinimumHeldOutR2)
    {
        progress?.Phase($"{name}: interactions");
        var (interactions, userIds) = Interactions(window, videos, als.Alpha);
        progress?.Report($"{interactions.Count:N0} (user, video) pairs, {userIds.Length:N0} users");
        progress?.Phase($"{name}: ALS {als.Iterations} iterations x {als.Factors} factors");
        var model = AlsTrainer.Train(interactions, userIds.Length, videos.Count, als, progress, cancellationToken);

        progress?.Phase($"{name}: content vectors for unwatched videos");
        var trained = new bool[videos.Count];
        var support = new int[videos.Count];
        foreach (var i in interactions)
        {
            trained[i.Item] = true;
            support[i.Item]++;
        }

        var metadata = new ItemMetadata[videos.Count];
        for (var v = 0; v < metadata.Length; v++)
        {
            metadata[v] = new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]);
        }

        VisualProjection? fitted = null;
        var (filled, projection) = ContentVectors.FillWithThumbnails(
            metadata, model.ItemFactors, model.Factors, trained, thumbnails, support: support, fitted: p => fitted = p, minimumR2: minimumProjectionR2);
        filled.CopyTo(model.ItemFactors, 0);

        progress?.Phase($"{name}: vector index over {videos.Count:N0} videos");
        var ids = new long[videos.Count];
        for (var v = 0; v < ids.Length; v++)
        {
            ids[v] = v;
        }

        var index = VectorIndexes.Build(ids, model.ItemFactors, model.Factors, indexOptions);
        progress?.Phase($"{name}: co-watch table");
        var coWatch = CoWatchTable.Build(interactions, userIds.Length, videos.Count, CoWatchTable.DefaultNeighbours, threads: als.Threads);
        progress?.End();
        return new RetrievalModel(videos, model, userIds, index, als, coWatch)
        {
            FittedProjection = fitted,
            Projection = projection,
            // The ranker's thumbnail_affinity reads the projection the content vectors use (ModelTraining decides once,
            // on the served model, whether the ranker's feature models get thumbnails at all).
            Visual = projection is null || thumbnails is null ? null : VisualProjection.ProjectAll(projection, thumbnails),
        };
    }

    /// <summary>
    /// One interaction per (user, video) with confidence 1 + alpha * sum of the events' strengths
    /// (Hu, Koren &amp; Volinsky 2008); events with no positive strength are left out. Ordered by user, then video.
    /// The events' strengths are collected under a (user, video) key and summed after one sort of the keys: a
    /// dictionary of millions of tuple keys cost more time and memory than the ALS that follows.
    /// </summary>
    public static (List<Interaction> Interactions, string[] UserIds) Interactions(IEnumerable<InteractionEvent> window, VideoSnapshot videos, double alpha)
    {
        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<long>();
        var strengths = new List<double>();
        foreach (var ev in window)
        {
            if (!videos.TryGetIndex(ev.VideoId, out var v))
            {
                continue;
            }

            var r = EngagementConfidence.Strength(ev.Type, ev.WatchSeconds / Math.Max(1f, videos.DurationSeconds[v]));
            if (r <= 0)
            {
                continue;
            }

            if (!users.TryGetValue(ev.UserId, out var u))
            {
                u = users.Count;
                users[ev.UserId] = u;
            }

            keys.Add(((long)u * videos.Count) + v);
            strengths.Add(r);
        }

        var sortedKeys = keys.ToArray();
        var sortedStrengths = strengths.ToArray();
        Array.Sort(sortedKeys, sortedStrengths);
        var interactions = new List<Interaction>();
        for (var n = 0; n < sortedKeys.Length;)
        {
            var key = sortedKeys[n];
            var sum = 0.0;
            for (; n < sortedKeys.Length && sortedKeys[n] == key; n++)
            {
                sum += sortedStrengths[n];
            }

            interactions.Add(new Interaction((int)(key / videos.Count), (int)(key % videos.Count), (float)(1 + (alpha * sum))));
        }

        var ids = new string[users.Count];
        foreach (var (id, u) in users)
        {
            ids[u] = id;
        }

        return (interactions, ids);
    }
}
