using System.Runtime.CompilerServices;

namespace RecEngine.Retrieval.Candidates;

/// <summary>A video proposed by one source, with that source's score (higher is better).</summary>
internal readonly record struct Proposal(int VideoIndex, float Score);

/// <summary>One merged candidate: the video and every source that proposed it, with their scores.</summary>
internal sealed class Candidate(int videoIndex)
{
    /// <summary>Room for this many source kinds; the type initialiser checks the enum fits.</summary>
    private const int MaxSources = 8;

    private static readonly CandidateSourceKind[] AllSources = Enum.GetValues<CandidateSourceKind>().Length <= MaxSources
        ? Enum.GetValues<CandidateSourceKind>()
        : throw new InvalidOperationException($"Candidate holds scores of at most {MaxSources} source kinds.");

    // Inline, not a float[]: a request merges hundreds of candidates, and one array each was a fifth of its allocations.
    private SourceScores _scores = SourceScores.None;

    public int VideoIndex { get; } = videoIndex;

    /// <summary>The score a source gave, or NaN when it did not propose this video.</summary>
    public float ScoreFrom(CandidateSourceKind source) => _scores[(int)source];

    public bool ProposedBy(CandidateSourceKind source) => !float.IsNaN(_scores[(int)source]);

    public IEnumerable<CandidateSourceKind> Sources => AllSources.Where(ProposedBy);

    internal void Add(CandidateSourceKind source, float score)
    {
        ref var slot = ref _scores[(int)source];
        slot = float.IsNaN(slot) ? score : Math.Max(slot, score);
    }

    [InlineArray(MaxSources)]
    private struct SourceScores
    {
        private float _first;

        public static SourceScores None
        {
            get
            {
                var none = default(SourceScores);
                ((Span<float>)none).Fill(float.NaN);
                return none;
            }
        }
    }
}
