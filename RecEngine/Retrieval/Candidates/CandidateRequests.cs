using RecEngine.Features;

namespace RecEngine.Retrieval.Candidates;

/// <summary>Builds a <see cref="CandidateRequest"/> from a user's online features; the same for serving and evaluation.</summary>
internal static class CandidateRequests
{
    public static CandidateRequest ForUser(UserFeatures? features, RetrievalModel? model, VideoSnapshot videos, DateTime now, IReadOnlySet<int>? categories = null)
    {
        if (features is null)
        {
            return new CandidateRequest { Videos = videos, Now = now, Categories = categories ?? new HashSet<int>() };
        }

        var recent = new List<int>(features.RecentWatches.Count);
        foreach (var watch in features.RecentWatches)
        {
            if (videos.TryGetIndex(watch.VideoId, out var v))
            {
                recent.Add(v);
            }
        }

        var excluded = new HashSet<int>();
        foreach (var id in features.Watched.Concat(features.Hidden))
        {
            if (videos.TryGetIndex(id, out var v))
            {
                excluded.Add(v);
            }
        }

        return new CandidateRequest
        {
            Videos = videos,
            Now = now,
            UserVector = model?.UserVector(features.RecentWatches),
            RecentVideoIndexes = recent,
            Excluded = excluded,
            Categories = categories ?? new HashSet<int>(),
        };
    }
}
