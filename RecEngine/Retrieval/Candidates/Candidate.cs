namespace RecEngine.Retrieval.Candidates;

/// <summary>A video proposed by one source, with that source's score (higher is better).</summary>
public readonly record struct Proposal(int VideoIndex, float Score);

/// <summary>One merged candidate: the video and every source that proposed it, with their scores.</summary>
public sealed class Candidate(int videoIndex)
{
    // One slot per CandidateSourceKind, Explore included.
    private readonly float[] _scores = [float.NaN, float.NaN, float.NaN, float.NaN, float.NaN];

    public int VideoIndex { get; } = videoIndex;

    /// <summary>The score a source gave, or NaN when it did not propose this video.</summary>
    public float ScoreFrom(CandidateSourceKind source) => _scores[(int)source];

    public bool ProposedBy(CandidateSourceKind source) => !float.IsNaN(_scores[(int)source]);

    public IEnumerable<CandidateSourceKind> Sources =>
        Enum.GetValues<CandidateSourceKind>().Where(ProposedBy);

    internal void Add(CandidateSourceKind source, float score)
    {
        ref var slot = ref _scores[(int)source];
        slot = float.IsNaN(slot) ? score : Math.Max(slot, score);
    }
}
