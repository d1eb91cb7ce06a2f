namespace RecEngine.Retrieval.Candidates;

/// <summary>Proposes what is popular right now (in the requested categories, when given).</summary>
internal sealed class TrendingSource(Func<TrendingIndex> current) : ICandidateSource
{
    public CandidateSourceKind Kind => CandidateSourceKind.Trending;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count) =>
        current().Ranked(request.Categories).Where(p => request.Allows(p.VideoIndex)).Take(count).ToList();
}
