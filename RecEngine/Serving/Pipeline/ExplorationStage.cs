using Microsoft.Extensions.Options;
using RecEngine.Features.Spec;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Explore: after Order, gives about <see cref="ServingOptions.ExplorationShare"/> of the slate's positions (chosen at
/// random) to videos drawn uniformly at random from the catalog the request allows (available, published, not
/// watched or hidden, in the requested categories, not already in the slate); the model's lowest-ranked picks make
/// room. Their source is <see cref="CandidateSourceKind.Explore"/> and they carry no ranker score.
/// <para>
/// Why uniform over the allowed catalog, not over the trending head: trending counts what earlier slates showed,
/// so it inherits the serving model's choices. A uniform logging policy is independent of every model, which is what
/// lets exploration validation compare the serving model and a candidate on the explored impressions without weights
/// (Li, Chu, Langford &amp; Wang, "Unbiased offline evaluation of contextual-bandit-based news article recommendation
/// algorithms", WSDM 2011). Every allowed video has the same chance, so no propensity needs logging.
/// </para>
/// <para>
/// Cheap at any catalog size: rejection sampling of random indexes against the request's filter (a few array reads
/// each), at most <see cref="TriesPerSlot"/> tries per position; a position whose tries all fail keeps the model's
/// pick. Seeded by the request id, so a request id always explores the same way.
/// </para>
/// </summary>
internal sealed class ExplorationStage(IOptions<ServingOptions> options)
{
    /// <summary>Random draws per explored position before it is left to the model (a narrow category filter can reject most draws).</summary>
    internal const int TriesPerSlot = 64;

    public void Run(SlateContext slate, string requestId)
    {
        if (options.Value.ExplorationShare <= 0 || slate.Slate.Count == 0)
        {
            return;
        }

        var candidates = slate.Candidates as List<Candidate> ?? [.. slate.Candidates];
        var (ordered, explored) = Explore(slate.Slate, candidates, slate.Retrieval, slate.Snapshot.Videos.Count, options.Value.ExplorationShare, requestId);
        slate.Candidates = candidates;
        slate.Slate = ordered;
        slate.ExploredPositions = explored;
    }

    /// <summary>
    /// The slate with its explored positions: drawn videos are appended to <paramref name="candidates"/> and the
    /// returned slate points at them; the explored positions are null when none were filled (the slate is returned as is).
    /// </summary>
    internal static (IReadOnlyList<RankedCandidate> Slate, int[]? Explored) Explore(
        IReadOnlyList<RankedCandidate> slate, List<Candidate> candidates, CandidateRequest filter, int catalog, double share, string requestId)
    {
        var n = slate.Count;
        if (share <= 0 || n == 0)
        {
            return (slate, null);
        }

        var rng = new Random(unchecked((int)FeatureHashing.Fnv1a64(requestId)));
        // Randomised rounding: share x n positions on average, whatever the slate size.
        var expected = share * n;
        var slots = Math.Min(n, (int)expected + (rng.NextDouble() < expected - Math.Floor(expected) ? 1 : 0));
        if (slots == 0)
        {
            return (slate, null);
        }

        var drawn = Draw(slate, candidates, filter, catalog, slots, rng);
        if (drawn.Count == 0)
        {
            return (slate, null);
        }

        // Explored positions: a uniform random subset of the slate (partial Fisher-Yates), so exploration sees every position's exposure.
        Span<int> positions = stackalloc int[n];
        for (var i = 0; i < n; i++)
        {
            positions[i] = i;
        }

        for (var i = 0; i < drawn.Count; i++)
        {
            var j = rng.Next(i, n);
            (positions[i], positions[j]) = (positions[j], positions[i]);
        }

        var explored = positions[..drawn.Count].ToArray();
        Array.Sort(explored);

        var ordered = new List<RankedCandidate>(n);
        var fromModel = 0;
        var next = 0;
        for (var p = 0; p < n; p++)
        {
            if (next < explored.Length && explored[next] == p)
            {
                var candidate = new Candidate(drawn[next]);
                candidate.Add(CandidateSourceKind.Explore, 0f);
                ordered.Add(new RankedCandidate(candidates.Count, null));
                candidates.Add(candidate);
                next++;
            }
            else
            {
                ordered.Add(slate[fromModel++]);
            }
        }

        return (ordered, explored);
    }

    /// <summary>Up to <paramref name="slots"/> distinct allowed videos, uniformly at random, none already in the slate.</summary>
    private static List<int> Draw(IReadOnlyList<RankedCandidate> slate, List<Candidate> candidates, CandidateRequest filter, int catalog, int slots, Random rng)
    {
        var drawn = new List<int>(slots);
        for (var s = 0; s < slots; s++)
        {
            for (var t = 0; t < TriesPerSlot; t++)
            {
                var v = rng.Next(catalog);
                if (filter.Allows(v) && !InSlate(slate, candidates, v) && !drawn.Contains(v))
                {
                    drawn.Add(v);
                    break;
                }
            }
        }

        return drawn;
    }

    private static bool InSlate(IReadOnlyList<RankedCandidate> slate, List<Candidate> candidates, int video)
    {
        foreach (var ranked in slate)
        {
            if (candidates[ranked.Candidate].VideoIndex == video)
            {
                return true;
            }
        }

        return false;
    }
}
