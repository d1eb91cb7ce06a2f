using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Retrieval;

/// <summary>
/// Trains candidate generation from an event window: implicit ALS over (user, video) engagement, content-based
/// vectors for videos nobody engaged with yet, and the vector index over every video.
/// </summary>
public static class RetrievalTrainer
{
    public static RetrievalModel Train(
        IEnumerable<InteractionEvent> window,
        VideoSnapshot videos,
        AlsOptions als,
        VectorIndexOptions indexOptions,
        CancellationToken cancellationToken = default)
    {
        var (interactions, userIds) = Interactions(window, videos, als.Alpha);
        var model = AlsTrainer.Train(interactions, userIds.Length, videos.Count, als, cancellationToken);

        var trained = new bool[videos.Count];
        foreach (var i in interactions)
        {
            trained[i.Item] = true;
        }

        var metadata = Enumerable.Range(0, videos.Count)
            .Select(v => new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]))
            .ToList();
        var filled = ContentVectors.Fill(metadata, model.ItemFactors, model.Factors, trained);
        filled.CopyTo(model.ItemFactors, 0);

        var ids = Enumerable.Range(0, videos.Count).Select(v => (long)v).ToArray();
        var index = VectorIndexes.Build(ids, model.ItemFactors, model.Factors, indexOptions);
        return new RetrievalModel(videos, model, userIds, index, als);
    }

    /// <summary>
    /// One interaction per (user, video) with confidence 1 + alpha * sum of the events' strengths
    /// (Hu, Koren &amp; Volinsky 2008); events with no positive strength are left out.
    /// </summary>
    public static (List<Interaction> Interactions, string[] UserIds) Interactions(IEnumerable<InteractionEvent> window, VideoSnapshot videos, double alpha)
    {
        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        var strength = new Dictionary<(int User, int Item), double>();
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

            strength[(u, v)] = strength.GetValueOrDefault((u, v)) + r;
        }

        var interactions = strength.Select(kv => new Interaction(kv.Key.User, kv.Key.Item, (float)(1 + (alpha * kv.Value))))
            .OrderBy(i => i.User).ThenBy(i => i.Item).ToList();
        var ids = new string[users.Count];
        foreach (var (id, u) in users)
        {
            ids[u] = id;
        }

        return (interactions, ids);
    }
}
