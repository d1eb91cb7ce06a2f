using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// The popularity fallback: trending videos (decayed engagement, overall and per category), then the newest uploads
/// for a catalog with little engagement. Immutable; built off the request path by <see cref="ColdStartSlates"/>.
/// </summary>
internal sealed class PopularVideos
{
    private readonly int[] _newestFirst;

    public PopularVideos(VideoSnapshot videos, TrendingIndex trending, DateTime builtAt)
    {
        Videos = videos;
        Trending = trending;
        BuiltAt = builtAt;
        _newestFirst = Enumerable.Range(0, videos.Count).OrderByDescending(v => videos.UploadedAt[v]).ThenBy(v => v).ToArray();
    }

    public VideoSnapshot Videos { get; }

    public TrendingIndex Trending { get; }

    public DateTime BuiltAt { get; }

    /// <summary>Up to <paramref name="count"/> allowed videos, most popular first, each with the source that put it there.</summary>
    public List<(int Video, CandidateSourceKind Source)> Top(CandidateRequest filter, int count)
    {
        var seen = new HashSet<int>();
        var top = new List<(int, CandidateSourceKind)>(count);
        foreach (var proposal in Trending.Ranked(filter.Categories))
        {
            if (top.Count >= count)
            {
                return top;
            }

            if (filter.Allows(proposal.VideoIndex) && seen.Add(proposal.VideoIndex))
            {
                top.Add((proposal.VideoIndex, CandidateSourceKind.Trending));
            }
        }

        foreach (var v in _newestFirst)
        {
            if (top.Count >= count)
            {
                break;
            }

            if (filter.Allows(v) && seen.Add(v))
            {
                top.Add((v, CandidateSourceKind.Fresh));
            }
        }

        return top;
    }
}
