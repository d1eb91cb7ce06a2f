using RecEngine.Features;
using RecEngine.Retrieval;

namespace RecEngine.Ranking.Features;

/// <summary>
/// What the ranking features need of a user, computed once per request (or once per logged slate in training):
/// the folded-in vector, the seeds for item-to-item similarity, and the category and creator mix of recent watches.
/// </summary>
internal sealed class UserContext
{
    public const int Seeds = 5;

    private UserContext(UserFeatures features, float[]? vector, int[] seeds, float[] categoryShare, Dictionary<int, float> creatorShare, Dictionary<int, float> coWatch)
    {
        CoWatch = coWatch;
        CoWatchMax = coWatch.Count == 0 ? 0 : coWatch.Values.Max();
        Features = features;
        Vector = vector;
        SeedVideos = seeds;
        CategoryShare = categoryShare;
        CreatorShare = creatorShare;
    }

    public UserFeatures Features { get; }

    public float[]? Vector { get; }

    public int[] SeedVideos { get; }

    public float[] CategoryShare { get; }

    public Dictionary<int, float> CreatorShare { get; }

    /// <summary>Per video, its summed co-watch confidence from the user's latest watches (<see cref="CoWatchTable.Scores"/>); absent means 0.</summary>
    public Dictionary<int, float> CoWatch { get; }

    /// <summary>The highest of <see cref="CoWatch"/> (0 when empty): the user's own scale of co-watch scores.</summary>
    public float CoWatchMax { get; }

    /// <param name="foldedIn">
    /// The user's vector if the caller already folded it in from the same recent watches (serving does, for
    /// retrieval); null solves it here.
    /// </param>
    /// <param name="coWatch">The user's co-watch scores if the caller already computed them from the same watches (serving's request has); null computes them here.</param>
    public static UserContext Build(UserFeatures features, RetrievalModel? model, VideoSnapshot videos, float[]? foldedIn = null, Dictionary<int, float>? coWatch = null)
    {
        var categoryShare = new float[videos.Categories.Length];
        var creatorShare = new Dictionary<int, float>();
        var seeds = new List<int>(Seeds);
        var counted = 0;
        var recent = new List<int>(features.RecentWatches.Count);
        foreach (var watch in features.RecentWatches)
        {
            if (!videos.TryGetIndex(watch.VideoId, out var v))
            {
                continue;
            }

            counted++;
            recent.Add(v);
            categoryShare[videos.CategoryIndex[v]]++;
            creatorShare[videos.CreatorIndex[v]] = creatorShare.GetValueOrDefault(videos.CreatorIndex[v]) + 1;
            if (seeds.Count < Seeds)
            {
                seeds.Add(v);
            }
        }

        if (counted > 0)
        {
            for (var c = 0; c < categoryShare.Length; c++)
            {
                categoryShare[c] /= counted;
            }

            foreach (var key in creatorShare.Keys.ToList())
            {
                creatorShare[key] /= counted;
            }
        }

        if (coWatch is null)
        {
            coWatch = [];
            model?.CoWatch.Scores(recent, coWatch);
        }

        return new UserContext(features, foldedIn ?? model?.UserVector(features.RecentWatches), seeds.ToArray(), categoryShare, creatorShare, coWatch);
    }
}
