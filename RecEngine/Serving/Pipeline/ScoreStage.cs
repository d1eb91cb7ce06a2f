using RecEngine.Ranking.Features;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Score: the ranker on every candidate, in one call. ONNX Runtime runs on the request thread and cannot be
/// interrupted, so the budget is enforced on the answer: scores that arrive after <paramref name="budget"/> are
/// discarded and the slate falls back to retrieval order, as it does when the ranker throws or returns a
/// non-finite score. Returns null on success, else the degraded reason.
/// </summary>
internal sealed class ScoreStage(ICandidateRanker ranker, TimeProvider time)
{
    public string? Run(SlateContext slate, TimeSpan budget)
    {
        var snapshot = slate.Snapshot;
        // Retrieval already folded the user's vector in and summed the co-watch scores from the same watches: once per request.
        slate.User = UserContext.Build(slate.Features, snapshot.Retrieval, snapshot.Videos, slate.Retrieval?.UserVector, slate.Retrieval?.CoWatchScores(snapshot.Retrieval.CoWatch));
        if (slate.VideoIndexes.Length == 0)
        {
            slate.WatchTime = [];
            slate.PWatch = [];
            return null;
        }

        var started = time.GetTimestamp();
        var pWatch = new float[slate.VideoIndexes.Length];
        var watchTime = new float[slate.VideoIndexes.Length];
        ranker.Score(snapshot, slate.User, slate.VideoIndexes, slate.Impression, pWatch, watchTime);
        if (time.GetElapsedTime(started) > budget)
        {
            return DegradedReasons.RankerTimeout;
        }

        var durations = snapshot.Videos.DurationSeconds;
        for (var i = 0; i < watchTime.Length; i++)
        {
            if (!float.IsFinite(watchTime[i]) || !float.IsFinite(pWatch[i]))
            {
                return DegradedReasons.RankerFailed;
            }

            // watch_time can pass a video's length: a head's exp(logit) is unbounded where a candidate's inputs leave
            // the training range (a trending video at 1M scored 1.9e5 seconds), and a fitted E[seconds | watched] can
            // pass a short video's length. Nobody watches a video for longer than it lasts.
            var duration = durations[slate.VideoIndexes[i]];
            if (duration > 0 && watchTime[i] > duration)
            {
                watchTime[i] = duration;
            }
        }

        slate.PWatch = pWatch;
        slate.WatchTime = watchTime;
        return null;
    }
}
