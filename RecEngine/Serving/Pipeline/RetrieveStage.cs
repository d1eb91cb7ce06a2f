using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Retrieve: the user's online features, then the snapshot's candidate generator (personal ANN, item-to-item,
/// trending, fresh). The filter's exclusions go into the request so the sources over-fetch past them. A user the
/// catalog does not know gets empty features, hence the cold-start mix of trending and fresh.
/// </summary>
public sealed class RetrieveStage(UserFeatureCache users, CatalogIndex catalog)
{
    public void Run(SlateContext slate)
    {
        var snapshot = slate.Snapshot;
        var userId = slate.Request.UserId;
        slate.Features = catalog.UserExists(userId) ? users.Get(userId) : new UserFeatures { UserId = userId };
        slate.Retrieval = CandidateRequests.ForUser(slate.Features, snapshot.Retrieval, snapshot.Videos, slate.Now, slate.Categories);
        slate.Candidates = snapshot.Candidates.Generate(slate.Retrieval);
    }
}
