using Microsoft.Extensions.Options;
using RecEngine.Features;

namespace RecEngine.Serving.Pipeline;

/// <summary>
/// Order: a freshness boost on the ranker's scores, then the top k under diversity caps (at most a share of the
/// slate per category, at most a few videos per creator). Caps are greedy over the ordered candidates; when they
/// leave the slate short (a request for one category, a catalog of few creators), a second pass keeps only the
/// creator cap and a third none, so the slate is full whenever there are k candidates. Unscored candidates (a
/// degraded answer) keep retrieval order and get no boost.
/// </summary>
internal sealed class OrderStage(IOptions<ServingOptions> options)
{
    private readonly ServingOptions _options = options.Value;

    public void Run(SlateContext slate) =>
        slate.Slate = Order(slate.VideoIndexes, slate.WatchTime, slate.Snapshot.Videos, slate.Now, slate.Request.K);

    /// <summary>The slate as positions in <paramref name="videoIndexes"/>, best first, with the score each was ordered by.</summary>
    public List<RankedCandidate> Order(int[] videoIndexes, float[]? scores, VideoSnapshot videos, DateTime now, int k)
    {
        var n = videoIndexes.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        float[]? boosted = null;
        if (scores is not null)
        {
            boosted = new float[n];
            var keys = new float[n];
            for (var i = 0; i < n; i++)
            {
                boosted[i] = scores[i] * FreshnessMultiplier(now - videos.UploadedAt[videoIndexes[i]]);
                keys[i] = -boosted[i];
            }

            Array.Sort(keys, order);
        }

        var want = Math.Min(k, n);
        var slate = new List<RankedCandidate>(want);
        var taken = new bool[n];
        var perCategory = new int[videos.Categories.Length];
        var perCreator = new Dictionary<int, int>();
        var categoryCap = _options.MaxCategoryShare >= 1 ? int.MaxValue : Math.Max(1, (int)Math.Ceiling(_options.MaxCategoryShare * k));
        var creatorCap = _options.MaxPerCreator == 0 ? int.MaxValue : _options.MaxPerCreator;
        Fill(categoryCap, creatorCap);
        Fill(int.MaxValue, creatorCap);
        Fill(int.MaxValue, int.MaxValue);
        return slate;

        void Fill(int maxPerCategory, int maxPerCreator)
        {
            for (var o = 0; o < n && slate.Count < want; o++)
            {
                var i = order[o];
                if (taken[i])
                {
                    continue;
                }

                var v = videoIndexes[i];
                var category = videos.CategoryIndex[v];
                var creator = videos.CreatorIndex[v];
                var byCreator = perCreator.GetValueOrDefault(creator);
                if (perCategory[category] >= maxPerCategory || byCreator >= maxPerCreator)
                {
                    continue;
                }

                taken[i] = true;
                perCategory[category]++;
                perCreator[creator] = byCreator + 1;
                slate.Add(new RankedCandidate(i, boosted?[i]));
            }
        }
    }

    /// <summary>1 + boost x 2^(-age / half-life): exponential time decay, so a new upload gets the whole boost and a day-old one half (default half-life).</summary>
    public float FreshnessMultiplier(TimeSpan age)
    {
        if (_options.FreshnessBoost == 0)
        {
            return 1f;
        }

        var halfLives = Math.Max(0, age.TotalSeconds) / _options.FreshnessHalfLife.TotalSeconds;
        return (float)(1 + (_options.FreshnessBoost * Math.Pow(2, -halfLives)));
    }
}
