using RecEngine.Features;

namespace RecEngine.Retrieval.Candidates;

/// <summary>
/// Everything the sources need for one user at one moment. <see cref="UserVector"/> is null for a user with no
/// usable history; <see cref="RecentVideoIndexes"/> are the latest watches, newest first.
/// </summary>
internal sealed record CandidateRequest
{
    public required VideoSnapshot Videos { get; init; }

    public required DateTime Now { get; init; }

    public float[]? UserVector { get; init; }

    public IReadOnlyList<int> RecentVideoIndexes { get; init; } = [];

    /// <summary>Videos never to return (watched, hidden); unavailable videos are excluded as well.</summary>
    public IReadOnlySet<int> Excluded { get; init; } = new HashSet<int>();

    /// <summary>Restrict to these category indexes (empty: all).</summary>
    public IReadOnlySet<int> Categories { get; init; } = new HashSet<int>();

    private Dictionary<int, float>? _coWatch;

    /// <summary>
    /// Per video, its summed co-watch confidence from <see cref="RecentVideoIndexes"/> in <paramref name="table"/>
    /// (<see cref="CoWatchTable.Scores"/>), computed once per request: the co-watch source and the ranker's inputs both
    /// read it. A request belongs to one model version, so one table.
    /// </summary>
    public Dictionary<int, float> CoWatchScores(CoWatchTable table)
    {
        if (_coWatch is null)
        {
            var scores = new Dictionary<int, float>();
            table.Scores(RecentVideoIndexes, scores);
            _coWatch = scores;
        }

        return _coWatch;
    }

    /// <summary>Available, published by <see cref="Now"/>, not excluded, and in the requested categories.</summary>
    public bool Allows(int videoIndex) =>
        Videos.Available[videoIndex]
        && Videos.UploadedAt[videoIndex] <= Now
        && !Excluded.Contains(videoIndex)
        && (Categories.Count == 0 || Categories.Contains(Videos.CategoryIndex[videoIndex]));
}
