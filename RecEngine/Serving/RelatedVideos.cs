using System.Numerics.Tensors;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>
/// Videos related to one video, from the serving model version: first its co-watched videos (most confident first,
/// <see cref="CoWatchTable"/>), then its nearest videos by item vector (<see cref="IVectorIndex"/>). A video nobody
/// watched in the training window has no co-watches, and its vector is the content vector serving gives every video
/// the model was not trained on (<see cref="ContentVectors"/>), so it is answered from its category, tags and creator;
/// a video added since the snapshot loaded gets its content vector here, from the videos it shares those with.
/// Only videos a user could be served are listed: available and published by now.
/// </summary>
internal sealed class RelatedVideos(ServingState state, CatalogService catalog, TimeProvider time)
{
    /// <summary>Null when no model version serves; <see cref="RelatedAnswer.Found"/> false for a video not in the catalog.</summary>
    public RelatedAnswer? Find(string videoId, int k)
    {
        using var lease = state.Acquire();
        if (lease is null)
        {
            return null;
        }

        var snapshot = lease.Snapshot;
        var videos = snapshot.Videos;
        float[]? query = null;
        if (!videos.TryGetIndex(videoId, out var seed))
        {
            // Added since this snapshot loaded: not in its index, but in the catalog.
            seed = -1;
            if (catalog.FindVideo(videoId) is { Available: true } added)
            {
                query = ContentVectorOf(snapshot, added);
            }

            if (query is null)
            {
                return new RelatedAnswer(false, videoId, snapshot.Version, "none", []);
            }
        }
        else if (!videos.Available[seed])
        {
            return new RelatedAnswer(false, videoId, snapshot.Version, "none", []);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var picked = new HashSet<int>();
        if (seed >= 0)
        {
            picked.Add(seed);
        }

        var related = new List<RelatedVideo>(k);
        bool Allows(int v) => videos.Available[v] && videos.UploadedAt[v] <= now && picked.Add(v);

        var coWatch = snapshot.Retrieval.CoWatch;
        var watched = seed >= 0 && seed < coWatch.VideoCount && coWatch.Watchers[seed] > 0;
        if (watched)
        {
            var neighbours = coWatch.Neighbours(seed);
            var confidences = coWatch.Confidences(seed);
            for (var i = 0; i < neighbours.Length && related.Count < k; i++)
            {
                if (neighbours[i] >= 0 && neighbours[i] < videos.Count && Allows(neighbours[i]))
                {
                    related.Add(Describe(snapshot, neighbours[i], confidences[i], CandidateSourceKind.CoWatch));
                }
            }
        }

        if (related.Count < k)
        {
            // The index ranks by inner product, which favours long (popular) vectors: over-fetch, then order by cosine,
            // so what is listed resembles the video rather than being merely popular.
            var f = snapshot.Retrieval.Als.Factors;
            Span<float> seedRow = stackalloc float[f];
            Span<float> otherRow = stackalloc float[f];
            ReadOnlySpan<float> vector = query ?? snapshot.Retrieval.ItemVector(seed, seedRow);
            var queryNorm = TensorPrimitives.Norm(vector);
            var hits = snapshot.Retrieval.Index.Search(vector, Math.Min(videos.Count, Math.Max(4 * k, 100)));
            var byCosine = new List<(int Video, float Cosine)>(hits.Length);
            foreach (var hit in hits)
            {
                var v = (int)hit.Id;
                if (v >= 0 && v < videos.Count && !picked.Contains(v))
                {
                    var other = snapshot.Retrieval.ItemVector(v, otherRow);
                    var norm = queryNorm * TensorPrimitives.Norm(other);
                    byCosine.Add((v, norm > 0 ? TensorPrimitives.Dot(vector, other) / norm : 0));
                }
            }

            foreach (var (v, cosine) in byCosine.OrderByDescending(c => c.Cosine).ThenBy(c => c.Video))
            {
                if (related.Count < k && Allows(v))
                {
                    related.Add(Describe(snapshot, v, cosine, CandidateSourceKind.ItemToItem));
                }
            }
        }

        return new RelatedAnswer(true, videoId, snapshot.Version, watched ? "interactions" : "content", related);
    }

    /// <summary>
    /// The content vector of a video the snapshot does not hold, as <see cref="ContentVectors.Fill"/> places an untrained
    /// video: its group means only need the videos sharing its creator, category or a tag, so those alone are passed
    /// (one scan of the snapshot's columns). Null when it shares none of them with any video.
    /// </summary>
    internal static float[]? ContentVectorOf(ServingSnapshot snapshot, Video video)
    {
        var videos = snapshot.Videos;
        var creator = Array.IndexOf(videos.Creators, video.CreatorId);
        var category = videos.CategoryId(video.Category);
        var tags = new HashSet<string>(video.Tags ?? [], StringComparer.Ordinal);
        var sharing = new List<int>();
        for (var v = 0; v < videos.Count; v++)
        {
            if (videos.CreatorIndex[v] == creator || videos.CategoryIndex[v] == category || (tags.Count > 0 && videos.Tags[v].Any(tags.Contains)))
            {
                sharing.Add(v);
            }
        }

        if (sharing.Count == 0)
        {
            return null;
        }

        var f = snapshot.Retrieval.Als.Factors;
        var metadata = new List<ItemMetadata>(sharing.Count + 1);
        var factors = new float[(sharing.Count + 1) * f];
        var trained = new bool[sharing.Count + 1];
        for (var i = 0; i < sharing.Count; i++)
        {
            var v = sharing[i];
            metadata.Add(new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]));
            snapshot.Retrieval.Als.Items.CopyRow(v, factors.AsSpan(i * f, f));
            trained[i] = true;
        }

        metadata.Add(new ItemMetadata(video.Category, video.Tags ?? [], video.CreatorId));
        return ContentVectors.Fill(metadata, factors, f, trained).AsSpan(sharing.Count * f, f).ToArray();
    }

    private static RelatedVideo Describe(ServingSnapshot snapshot, int v, float score, CandidateSourceKind source)
    {
        var videos = snapshot.Videos;
        return new RelatedVideo(videos.Ids[v], videos.Titles[v], videos.Categories[videos.CategoryIndex[v]], score, source);
    }
}

/// <summary>
/// Answer to <c>GET /v1/videos/{id}/related</c>. <see cref="Basis"/> is <c>interactions</c> when the video was watched
/// in the model's training window (co-watches first), <c>content</c> when only its content vector could answer.
/// </summary>
internal sealed record RelatedAnswer(bool Found, string VideoId, string ModelVersion, string Basis, IReadOnlyList<RelatedVideo> Videos);

/// <summary>One related video: co-watch confidence for <c>co_watch</c>, cosine of the item vectors for <c>item_to_item</c>.</summary>
internal sealed record RelatedVideo(string VideoId, string Title, string Category, float Score, CandidateSourceKind Source);
