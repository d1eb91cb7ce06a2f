using RecEngine.Features;

namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// Proposes recent uploads, newest first, scored exp(-age / <paramref name="timeScale"/>), so new videos get
/// impressions before they have any engagement to rank on.
/// </summary>
internal sealed class FreshSource(TimeSpan window, TimeSpan timeScale) : ICandidateSource
{
    private readonly object _gate = new();
    private volatile FreshOrder? _cache;

    public CandidateSourceKind Kind => CandidateSourceKind.Fresh;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
    {
        var newest = NewestFirst(request.Videos);
        var result = new List<Proposal>(Math.Min(count, newest.Length));
        var oldest = request.Now - window;
        foreach (var v in newest)
        {
            var uploaded = request.Videos.UploadedAt[v];
            if (uploaded < oldest || result.Count >= count)
            {
                break;
            }

            if (uploaded <= request.Now && request.Allows(v))
            {
                result.Add(new Proposal(v, (float)Math.Exp(-(request.Now - uploaded).TotalSeconds / timeScale.TotalSeconds)));
            }
        }

        return result;
    }

    /// <summary>Video indexes by upload time, newest first; computed once per snapshot.</summary>
    private int[] NewestFirst(VideoSnapshot videos)
    {
        if (_cache is { } cache && ReferenceEquals(cache.Videos, videos))
        {
            return cache.Newest;
        }

        lock (_gate)
        {
            if (_cache is { } again && ReferenceEquals(again.Videos, videos))
            {
                return again.Newest;
            }

            var order = Enumerable.Range(0, videos.Count).OrderByDescending(v => videos.UploadedAt[v]).ThenBy(v => v).ToArray();
            _cache = new FreshOrder(videos, order);
            return order;
        }
    }

    private sealed record FreshOrder(VideoSnapshot Videos, int[] Newest);
}
