namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// What people who watched the user's latest videos also watched: the candidates with the highest summed co-watch
/// confidence from the user's latest distinct watches (<see cref="CoWatchTable.Scores"/>), read from the model
/// version's table, no vector search.
/// </summary>
internal sealed class CoWatchSource(Func<RetrievalModel?> model) : ICandidateSource
{
    public CandidateSourceKind Kind => CandidateSourceKind.CoWatch;

    public IReadOnlyList<Proposal> Propose(CandidateRequest request, int count)
    {
        var current = model();
        if (current is null || request.RecentVideoIndexes.Count == 0 || count <= 0)
        {
            return [];
        }

        var scores = request.CoWatchScores(current.CoWatch);
        var proposals = new List<Proposal>(scores.Count);
        foreach (var (video, score) in scores)
        {
            if (request.Allows(video))
            {
                proposals.Add(new Proposal(video, score));
            }
        }

        // Higher score first, ties by video index, so the order does not depend on the dictionary's.
        proposals.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.VideoIndex.CompareTo(b.VideoIndex));
        return proposals.Count <= count ? proposals : proposals.GetRange(0, count);
    }
}
