using Prometheus;
using RecEngine.Hosting;

namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// Nearest videos to the user's folded-in vector. The generator already over-fetches for duplicates across sources, so
/// this source asks the index for only a quarter more than its quota, and searches deeper only when exclusions (watched,
/// hidden, unavailable) leave it short: k is what an HNSW search costs.
/// </summary>
internal sealed class PersonalSource(Func<RetrievalModel?> model, double overFetch = 1.25) : ICandidateSource
{
    public CandidateSourceKind Kind => CandidateSourceKind.Personal;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
    {
        var current = model();
        if (current is null || request.UserVector is null || count <= 0)
        {
            return [];
        }

        return VectorSearch.Allowed(current, request.UserVector, request, count, overFetch, VectorSearch.Personal);
    }
}

/// <summary>
/// Nearest videos to each of the last few watched videos, merged by best score. A seed's neighbours depend only on
/// the model, and watch histories concentrate on the same popular videos, so each seed's nearest
/// <see cref="RelatedDepth"/> are searched once per model and kept (a related-videos table filled on demand, as
/// YouTube's was precomputed: Davidson et al. 2010), and a request filters them for the user. Bounded: past
/// <paramref name="relatedCapacity"/> seeds, new ones are searched and not kept. A seed gives at most its kept
/// neighbours: when overlapping neighbourhoods or exclusions leave the merged list short, the generator fills the
/// slate from the other sources rather than paying a deep live search per seed (at a million videos those cost as
/// much as the personal search). Only a request restricted to categories searches a seed deeper, since its
/// neighbours may all lie in other categories.
/// </summary>
internal sealed class ItemToItemSource(Func<RetrievalModel?> model, int seeds, double overFetch = 2, int relatedCapacity = 200_000) : ICandidateSource
{
    /// <summary>
    /// Neighbours kept per seed. A cold seed costs one HNSW search of this k (usearch explores max(efSearch, k)), and at
    /// a million videos most seeds of a request are cold for a while after start; 64 covers the default share (300
    /// candidates: a quarter, over-fetched 1.5x, over five seeds, asked twice their even share: 45 each).
    /// </summary>
    public const int RelatedDepth = 64;

    private const int MinPerSeed = 32;

    private volatile Related? _related;

    public CandidateSourceKind Kind => CandidateSourceKind.ItemToItem;

    /// <summary>Seeds whose neighbours are kept for the current model.</summary>
    public int RelatedCount => _related?.Neighbours.Count ?? 0;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
    {
        var current = model();
        if (current is null || request.RecentVideoIndexes.Count == 0 || count <= 0)
        {
            return [];
        }

        var seedVideos = request.RecentVideoIndexes.Where(v => v < current.Videos.Count).Distinct().Take(seeds).ToList();
        if (seedVideos.Count == 0)
        {
            return [];
        }

        // Each seed is asked for twice its even share (so one seed's close neighbourhood cannot crowd out the others),
        // within what its related row holds.
        var perSeed = Math.Min(Math.Min(count, RelatedDepth), Math.Max(MinPerSeed, (int)Math.Ceiling(2.0 * count / seedVideos.Count)));
        var best = Neighbours(current, seedVideos, request, perSeed);

        var ranked = new Proposal[best.Count];
        var n = 0;
        foreach (var (video, score) in best)
        {
            ranked[n++] = new Proposal(video, score);
        }

        Array.Sort(ranked, BestFirst);
        return new ArraySegment<Proposal>(ranked, 0, Math.Min(count, n));
    }

    /// <summary>Higher score first; ties by video index, so the order does not depend on the dictionary's.</summary>
    private static readonly Comparison<Proposal> BestFirst = (a, b) =>
    {
        var byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : a.VideoIndex.CompareTo(b.VideoIndex);
    };

    private Dictionary<int, float> Neighbours(RetrievalModel model, List<int> seedVideos, CandidateRequest request, int perSeed)
    {
        var best = new Dictionary<int, float>(seedVideos.Count * perSeed);
        foreach (var seed in seedVideos)
        {
            foreach (var p in SeedNeighbours(model, seed, request, perSeed))
            {
                if (!best.TryGetValue(p.VideoIndex, out var s) || p.Score > s)
                {
                    best[p.VideoIndex] = p.Score;
                }
            }
        }

        return best;
    }

    /// <summary>
    /// Fills the seed's related row ahead of requests (a start-up warm-up); false when the table is full or there is no
    /// model. A row already kept, or a seed outside the model, costs nothing.
    /// </summary>
    public bool Warm(int seed)
    {
        var current = model();
        if (current is null || RelatedRow(current).Neighbours.Count >= relatedCapacity)
        {
            return false;
        }

        if ((uint)seed < (uint)current.Videos.Count)
        {
            Row(current, seed);
        }

        return true;
    }

    private Related RelatedRow(RetrievalModel model)
    {
        var related = _related;
        if (related is null || !ReferenceEquals(related.Model, model))
        {
            related = new Related(model);
            _related = related;
        }

        return related;
    }

    /// <summary>
    /// The seed's nearest <see cref="RelatedDepth"/>, kept for the model while the table has room, as (video index,
    /// score) pairs: half the bytes of the index's hits, which carry 64-bit ids.
    /// </summary>
    private Proposal[] Row(RetrievalModel model, int seed)
    {
        var related = RelatedRow(model);
        if (!related.Neighbours.TryGetValue(seed, out var hits))
        {
            VectorSearch.ItemToItem.Count(RelatedDepth);
            // The index's hits go through a pooled buffer: a warm-up fills a hundred thousand rows, and a temporary
            // array per row left the heap fragmented around the rows it keeps.
            var buffer = System.Buffers.ArrayPool<VectorHit>.Shared.Rent(RelatedDepth);
            try
            {
                Span<float> row = stackalloc float[model.Als.Factors];
                var found = model.Index.Search(model.ItemVector(seed, row), buffer.AsSpan(0, Math.Min(RelatedDepth, model.Index.Count)));
                hits = new Proposal[found];
                for (var i = 0; i < found; i++)
                {
                    hits[i] = new Proposal((int)buffer[i].Id, buffer[i].Score);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<VectorHit>.Shared.Return(buffer);
            }

            if (related.Neighbours.Count < relatedCapacity)
            {
                related.Neighbours.TryAdd(seed, hits);
            }
        }

        return hits;
    }

    private List<Proposal> SeedNeighbours(RetrievalModel model, int seed, CandidateRequest request, int perSeed)
    {
        var hits = Row(model, seed);
        var kept = new List<Proposal>(perSeed);
        foreach (var hit in hits)
        {
            if (request.Allows(hit.VideoIndex))
            {
                kept.Add(hit);
                if (kept.Count == perSeed)
                {
                    return kept;
                }
            }
        }

        // Exclusions left too few of the kept neighbours: only a category restriction is worth a deeper search.
        if (hits.Length < RelatedDepth || request.Categories.Count == 0)
        {
            return kept;
        }

        Span<float> row = stackalloc float[model.Als.Factors];
        return VectorSearch.Allowed(model, model.ItemVector(seed, row), request, perSeed, overFetch, VectorSearch.ItemToItem);
    }

    private sealed class Related(RetrievalModel model)
    {
        public RetrievalModel Model { get; } = model;

        public System.Collections.Concurrent.ConcurrentDictionary<int, Proposal[]> Neighbours { get; } = new();
    }
}

internal static class VectorSearch
{
    /// <summary>The metric series of each source, resolved once rather than per search on the request path.</summary>
    public static readonly SearchCounters Personal = new("personal");

    public static readonly SearchCounters ItemToItem = new("item_to_item");

    /// <summary>Searches deeper until <paramref name="count"/> allowed videos are found or the index is exhausted.</summary>
    public static List<Proposal> Allowed(RetrievalModel model, ReadOnlySpan<float> query, CandidateRequest request, int count, double overFetch, SearchCounters counters)
    {
        var k = (int)Math.Min(model.Index.Count, Math.Ceiling(count * overFetch));
        while (true)
        {
            counters.Count(k);
            var hits = model.Index.Search(query, k);
            var result = new List<Proposal>(count);
            foreach (var hit in hits)
            {
                var v = (int)hit.Id;
                if (request.Allows(v))
                {
                    result.Add(new Proposal(v, hit.Score));
                    if (result.Count == count)
                    {
                        return result;
                    }
                }
            }

            if (k >= model.Index.Count)
            {
                return result;
            }

            k = (int)Math.Min(model.Index.Count, k * 4L);
        }
    }
}

/// <summary>One source's <c>recengine_vector_searches_total</c> and <c>recengine_vector_search_k_total</c> series.</summary>
internal sealed class SearchCounters(string source)
{
    private readonly Counter.Child _searches = RecEngineMetrics.VectorSearches.WithLabels(source);
    private readonly Counter.Child _depth = RecEngineMetrics.VectorSearchK.WithLabels(source);

    public void Count(int k)
    {
        _searches.Inc();
        _depth.Inc(k);
    }
}
