using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving;

/// <summary>One recommended video.</summary>
public sealed record RecommendedVideo(string VideoId, string Title, string Category, float Score, float PWatch, IReadOnlyList<CandidateSourceKind> Sources);

/// <summary>A slate: the videos best first, the model version that ranked them and the request id events refer to.</summary>
public sealed record Recommendations(string RequestId, string UserId, string ModelVersion, IReadOnlyList<RecommendedVideo> Videos);

/// <summary>
/// Retrieve (the four sources, watched and hidden videos excluded) then score (the ranker's expected watch time)
/// then the top k. A user the catalog does not know gets the cold-start mix of trending and fresh, ranked.
/// </summary>
public sealed class Recommender(ServingState state, UserFeatureCache users, CatalogIndex catalog, TimeProvider time)
{
    /// <summary>The slate, or null when no model version is serving yet.</summary>
    public Recommendations? Recommend(string userId, int k)
    {
        using var lease = state.Acquire();
        if (lease is null)
        {
            return null;
        }

        var snapshot = lease.Snapshot;

        var now = time.GetUtcNow().UtcDateTime;
        var features = catalog.UserExists(userId) ? users.Get(userId) : new UserFeatures { UserId = userId };
        var request = CandidateRequests.ForUser(features, snapshot.Retrieval, snapshot.Videos, now);
        var candidates = snapshot.Candidates.Generate(request);
        var ids = candidates.Select(c => c.VideoIndex).ToArray();
        var pWatch = new float[ids.Length];
        var watchTime = new float[ids.Length];
        var context = UserContext.Build(features, snapshot.Retrieval, snapshot.Videos);
        snapshot.Scorer.Score(context, ids, new ImpressionContext(now, 0, null, now.Hour, 0), snapshot.Videos, snapshot.Retrieval, snapshot.Trending, pWatch, watchTime);

        var videos = snapshot.Videos;
        var slate = Enumerable.Range(0, ids.Length)
            .OrderByDescending(i => watchTime[i])
            .Take(k)
            .Select(i => new RecommendedVideo(
                videos.Ids[ids[i]], videos.Titles[ids[i]], videos.Categories[videos.CategoryIndex[ids[i]]],
                watchTime[i], pWatch[i], candidates[i].Sources.ToList()))
            .ToList();
        return new Recommendations("r" + Guid.NewGuid().ToString("N"), userId, snapshot.Version, slate);
    }
}
