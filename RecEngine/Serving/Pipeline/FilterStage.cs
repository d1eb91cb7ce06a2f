using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Filter: drops candidates the user must not see: already watched, hidden by the user (<c>hide</c> events),
/// unavailable or not yet published, or outside the requested categories. The sources are asked to skip these
/// already (so they fetch enough); this stage is the guarantee, whatever a source returns.
/// </summary>
internal sealed class FilterStage
{
    public void Run(SlateContext slate)
    {
        var allowed = new List<Candidate>(slate.Candidates.Count);
        foreach (var candidate in slate.Candidates)
        {
            if (slate.Retrieval.Allows(candidate.VideoIndex))
            {
                allowed.Add(candidate);
            }
        }

        slate.Candidates = allowed;
        var indexes = new int[allowed.Count];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = allowed[i].VideoIndex;
        }

        slate.VideoIndexes = indexes;
    }
}
