namespace RecEngine.Retrieval.Candidates;

/// <summary>Nearest videos to the user's folded-in vector.</summary>
public sealed class PersonalSource(Func<RetrievalModel?> model, double overFetch = 2) : ICandidateSource
{
    public CandidateSourceKind Kind => CandidateSourceKind.Personal;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
    {
        var current = model();
        if (current is null || request.UserVector is null || count <= 0)
        {
            return [];
        }

        return VectorSearch.Allowed(current, request.UserVector, request, count, overFetch);
    }
}

/// <summary>Nearest videos to each of the last few watched videos, merged by best score.</summary>
public sealed class ItemToItemSource(Func<RetrievalModel?> model, int seeds, double overFetch = 2) : ICandidateSource
{
    public CandidateSourceKind Kind => CandidateSourceKind.ItemToItem;

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

        // Each seed is asked for the full count: neighbourhoods of related seeds overlap, and the merged list must still fill.
        var best = new Dictionary<int, float>();
        foreach (var seed in seedVideos)
        {
            foreach (var p in VectorSearch.Allowed(current, current.ItemVector(seed), request, count, overFetch))
            {
                if (!best.TryGetValue(p.VideoIndex, out var s) || p.Score > s)
                {
                    best[p.VideoIndex] = p.Score;
                }
            }
        }

        return best.Select(kv => new Proposal(kv.Key, kv.Value)).OrderByDescending(p => p.Score).ThenBy(p => p.VideoIndex).Take(count).ToList();
    }
}

internal static class VectorSearch
{
    /// <summary>Searches deeper until <paramref name="count"/> allowed videos are found or the index is exhausted.</summary>
    public static List<Proposal> Allowed(RetrievalModel model, ReadOnlySpan<float> query, CandidateRequest request, int count, double overFetch)
    {
        var k = (int)Math.Min(model.Index.Count, Math.Ceiling(count * overFetch));
        while (true)
        {
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
