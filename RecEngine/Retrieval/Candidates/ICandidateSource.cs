namespace RecEngine.Retrieval.Candidates;

/// <summary>One way of proposing videos. Proposals come best first; a source may return fewer than asked.</summary>
internal interface ICandidateSource
{
    CandidateSourceKind Kind { get; }

    /// <summary>Up to <paramref name="count"/> proposals that <see cref="CandidateRequest.Allows"/>, best first.</summary>
    IReadOnlyList<Proposal> Propose(CandidateRequest request, int count);
}
