using RecEngine.Events;
using RecEngine.Features;

namespace RecEngine.Training;

/// <summary>
/// Draws videos with probability proportional to watches^exponent (0.75 is Mikolov et al. 2013's noise distribution) by
/// binary search in the cumulative weights; videos nobody watched are never drawn.
/// </summary>
public sealed class PopularitySampler
{
    /// <summary>
    /// 1 draws in proportion to watches, like the slates a popularity-heavy platform logs; 0 draws uniformly among
    /// watched videos, 0.75 is Mikolov et al.'s. Chosen on the MovieLens-format evaluation in benchmarks/RESULTS.md:
    /// the ranker's NDCG@10 was 0.077 at 1, 0.050 at 0.75 and 0.054 at 0.
    /// </summary>
    public const double DefaultExponent = 1;

    /// <summary>Draws rejected in a row before giving up (a user who watched nearly everything).</summary>
    public const int MaxTries = 32;

    private readonly int[] _videos;
    private readonly double[] _cumulative;

    private PopularitySampler(int[] videos, double[] cumulative)
    {
        _videos = videos;
        _cumulative = cumulative;
    }

    public int Count => _videos.Length;

    public static PopularitySampler Build(IEnumerable<InteractionEvent> events, VideoSnapshot videos, double exponent = DefaultExponent)
    {
        var watches = new int[videos.Count];
        foreach (var ev in events)
        {
            if (ev.Type == EventType.Watch && videos.TryGetIndex(ev.VideoId, out var v))
            {
                watches[v]++;
            }
        }

        var ids = new List<int>();
        var cumulative = new List<double>();
        var total = 0.0;
        for (var v = 0; v < watches.Length; v++)
        {
            if (watches[v] > 0)
            {
                total += Math.Pow(watches[v], exponent);
                ids.Add(v);
                cumulative.Add(total);
            }
        }

        return new PopularitySampler(ids.ToArray(), cumulative.ToArray());
    }

    /// <summary>A video that <paramref name="accept"/> takes, or -1 after <see cref="MaxTries"/> rejections.</summary>
    public int Draw(Random rng, Func<int, bool> accept)
    {
        if (_videos.Length == 0)
        {
            return -1;
        }

        for (var attempt = 0; attempt < MaxTries; attempt++)
        {
            var x = rng.NextDouble() * _cumulative[^1];
            var at = Array.BinarySearch(_cumulative, x);
            var video = _videos[Math.Min(_videos.Length - 1, at >= 0 ? at + 1 : ~at)];
            if (accept(video))
            {
                return video;
            }
        }

        return -1;
    }
}
