using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Retrieve: the user's online features, then the snapshot's candidate generator (personal ANN, item-to-item,
/// trending, fresh). The filter's exclusions go into the request so the sources over-fetch past them. A user the
/// catalog does not know gets empty features, hence the cold-start mix of trending and fresh.
/// </summary>
internal sealed class RetrieveStage(IUserFeatureSource users, CatalogIndex catalog)
{
    public void Run(SlateContext slate)
    {
        var userId = slate.Request.UserId;
        Run(slate, catalog.UserExists(userId) ? users.Get(userId) : new UserFeatures { UserId = userId });
    }

    /// <summary>Retrieval for a user whose features the caller has (offline evaluation replays them as of a cut).</summary>
    public static void Run(SlateContext slate, UserFeatures features)
    {
        var snapshot = slate.Snapshot;
        slate.Features = features;
        slate.Retrieval = CandidateRequests.ForUser(slate.Features, snapshot.Retrieval, snapshot.Videos, slate.Now, slate.Categories);
        slate.Candidates = snapshot.Candidates.Generate(slate.Retrieval);
    }
}
