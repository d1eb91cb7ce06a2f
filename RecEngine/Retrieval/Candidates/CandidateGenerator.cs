namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// Merges the sources: each fills its share of the slate best-first, a video proposed twice is kept once with
/// both sources' scores, and shares left unused (a user with no history has no personal or item-to-item
/// proposals) go to whichever sources still have proposals. Sources are asked for more than their share
/// (over-fetch), and asked again for more when exclusions leave the slate short.
/// </summary>
internal sealed class CandidateGenerator(IEnumerable<ICandidateSource> sources, CandidateOptions options)
{
    private readonly ICandidateSource[] _sources = sources.ToArray();

    private ItemToItemSource? ItemToItem => _sources.OfType<ItemToItemSource>().FirstOrDefault();

    /// <summary>The sources of a serving model: personal ANN, co-watch, item-to-item, trending and fresh.</summary>
    public static CandidateGenerator Standard(RetrievalModel model, TrendingIndex trending, CandidateOptions options) => Standard(() => model, () => trending, options);

    /// <summary>The same sources, reading the model and trending through <paramref name="model"/> and <paramref name="trending"/> at each request.</summary>
    public static CandidateGenerator Standard(Func<RetrievalModel?> model, Func<TrendingIndex> trending, CandidateOptions options) => new(
    [
        new PersonalSource(model),
        new CoWatchSource(model),
        new ItemToItemSource(model, options.ItemToItemSeeds),
        new TrendingSource(trending),
        new FreshSource(options.FreshWindow, TimeSpan.FromDays(1)),
    ], options);

    /// <summary>Estimated bytes of the item-to-item source's related-videos table (rows kept for the current model).</summary>
    public long RelatedTableBytes =>
        (ItemToItem?.RelatedCount ?? 0) * (Hosting.ManagedSize.OfArray(ItemToItemSource.RelatedDepth, 8) + 48);

    /// <summary>
    /// Fills the item-to-item related rows of these seeds ahead of requests; returns how many seeds were taken (it stops
    /// when the table is full).
    /// </summary>
    public int WarmRelated(IEnumerable<int> seeds, CancellationToken cancellationToken)
    {
        var itemToItem = ItemToItem;
        if (itemToItem is null)
        {
            return 0;
        }

        var warmed = 0;
        foreach (var seed in seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!itemToItem.Warm(seed))
            {
                break;
            }

            warmed++;
        }

        return warmed;
    }

    public IReadOnlyList<Candidate> Generate(CandidateRequest request, int? count = null)
    {
        var want = count ?? options.Count;
        var overFetch = options.OverFetch;
        var proposals = new IReadOnlyList<Proposal>[_sources.Length];
        List<Candidate> merged = [];
        for (var round = 0; round < 4; round++)
        {
            for (var s = 0; s < _sources.Length; s++)
            {
                proposals[s] = _sources[s].Propose(request, Quota(_sources[s].Kind, want, overFetch));
            }

            merged = Merge(proposals, want, overFetch, out var anySourceFull);
            if (merged.Count >= want || !anySourceFull)
            {
                break;
            }

            overFetch *= 3;
        }

        return merged;
    }

    private int Quota(CandidateSourceKind kind, int want, double overFetch)
    {
        var total = _sources.Sum(s => options.Share(s.Kind));
        var share = total > 0 ? options.Share(kind) / total : 1.0 / _sources.Length;
        // Every source may be asked to fill the whole slate when others run dry, so never ask for less than want * share * overFetch,
        // and give trending/fresh enough depth to cover a cold-start slate on their own.
        var quota = Math.Ceiling(want * Math.Max(share, kind is CandidateSourceKind.Trending or CandidateSourceKind.Fresh ? 0.5 : share) * overFetch);
        return (int)Math.Min(quota, int.MaxValue / 2);
    }

    /// <summary>Merges the sources' proposals (<paramref name="proposals"/>[s] from source s).</summary>
    private List<Candidate> Merge(IReadOnlyList<Proposal>[] proposals, int want, double overFetch, out bool anySourceFull)
    {
        var byVideo = new Dictionary<int, Candidate>(want * 2);
        var order = new List<Candidate>(want);
        var total = _sources.Sum(s => options.Share(s.Kind));
        Span<int> cursors = stackalloc int[proposals.Length];

        // Pass 1: each source up to its own share.
        for (var s = 0; s < proposals.Length; s++)
        {
            var kind = _sources[s].Kind;
            var list = proposals[s];
            var share = total > 0 ? options.Share(kind) / total : 1.0 / proposals.Length;
            var quota = (int)Math.Round(want * share);
            var taken = 0;
            var i = 0;
            for (; i < list.Count && taken < quota && order.Count < want; i++)
            {
                if (Take(list[i], kind, byVideo, order))
                {
                    taken++;
                }
            }

            cursors[s] = i;
        }

        // Pass 2: unused shares go to the remaining proposals, best normalised rank first (round-robin over sources).
        var progressed = true;
        while (order.Count < want && progressed)
        {
            progressed = false;
            for (var s = 0; s < proposals.Length; s++)
            {
                var kind = _sources[s].Kind;
                var list = proposals[s];
                var i = cursors[s];
                while (i < list.Count && !Take(list[i], kind, byVideo, order))
                {
                    i++;
                }

                if (i < list.Count)
                {
                    i++;
                    progressed = true;
                }

                cursors[s] = i;
                if (order.Count >= want)
                {
                    break;
                }
            }
        }

        // Every source's view of every kept video, including proposals beyond its share.
        anySourceFull = false;
        for (var s = 0; s < proposals.Length; s++)
        {
            var kind = _sources[s].Kind;
            var list = proposals[s];
            for (var i = 0; i < list.Count; i++)
            {
                if (byVideo.TryGetValue(list[i].VideoIndex, out var c))
                {
                    c.Add(kind, list[i].Score);
                }
            }

            // A source that returned all it was asked for may have more: worth asking again if the slate is short.
            anySourceFull |= list.Count > 0 && list.Count >= Quota(kind, want, overFetch);
        }

        return order;
    }

    /// <summary>Adds a new video to the slate; a repeat only gains the source's score. True when added.</summary>
    private static bool Take(Proposal p, CandidateSourceKind kind, Dictionary<int, Candidate> byVideo, List<Candidate> order)
    {
        if (byVideo.TryGetValue(p.VideoIndex, out var existing))
        {
            existing.Add(kind, p.Score);
            return false;
        }

        var c = new Candidate(p.VideoIndex);
        c.Add(kind, p.Score);
        byVideo[p.VideoIndex] = c;
        order.Add(c);
        return true;
    }
}
