using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>
/// Videos related to one video, from the serving model version: first its co-watched videos (most confident first,
/// <see cref="CoWatchTable"/>), then its nearest videos by item vector (<see cref="IVectorIndex"/>). A video nobody
/// watched in the training window has no co-watches, and its vector is the content vector serving gives every video
/// the model was not trained on (<see cref="ContentVectors"/>), so it is answered from its category, tags and creator.
/// Only videos a user could be served are listed: available and published by now.
/// </summary>
public sealed class RelatedVideos(ServingState state, TimeProvider time)
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
        if (!videos.TryGetIndex(videoId, out var seed) || !videos.Available[seed])
        {
            return new RelatedAnswer(false, videoId, snapshot.Version, "none", []);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var picked = new HashSet<int> { seed };
        var related = new List<RelatedVideo>(k);
        bool Allows(int v) => videos.Available[v] && videos.UploadedAt[v] <= now && picked.Add(v);

        var coWatch = snapshot.Retrieval.CoWatch;
        var watched = seed < coWatch.VideoCount && coWatch.Watchers[seed] > 0;
        if (seed < coWatch.VideoCount)
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
            var query = snapshot.Retrieval.ItemVector(seed);
            var queryNorm = Norm(query);
            var hits = snapshot.Retrieval.Index.Search(query, Math.Min(videos.Count, Math.Max(4 * k, 100)));
            var byCosine = new List<(int Video, float Cosine)>(hits.Length);
            foreach (var hit in hits)
            {
                var v = (int)hit.Id;
                if (v >= 0 && v < videos.Count && v != seed && !picked.Contains(v))
                {
                    var vector = snapshot.Retrieval.ItemVector(v);
                    var norm = queryNorm * Norm(vector);
                    byCosine.Add((v, norm > 0 ? System.Numerics.Tensors.TensorPrimitives.Dot(query, vector) / norm : 0));
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

    private static float Norm(ReadOnlySpan<float> vector) => System.Numerics.Tensors.TensorPrimitives.Norm(vector);

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
public sealed record RelatedAnswer(bool Found, string VideoId, string ModelVersion, string Basis, IReadOnlyList<RelatedVideo> Videos);

/// <summary>One related video: co-watch confidence for <c>co_watch</c>, cosine of the item vectors for <c>item_to_item</c>.</summary>
public sealed record RelatedVideo(string VideoId, string Title, string Category, float Score, CandidateSourceKind Source);
