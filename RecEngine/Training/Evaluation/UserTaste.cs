using RecEngine.Features;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// A user's taste read off their recent training watches: the share of them in each category, smoothed with one
/// pseudo-watch spread evenly over the categories (additive smoothing, so an unseen category is small, not
/// log 0), and the share carrying each tag.
/// </summary>
public sealed class UserTaste
{
    private readonly Dictionary<int, int> _categories = [];
    private readonly Dictionary<string, int> _tags = new(StringComparer.Ordinal);
    private readonly int _watches;
    private readonly int _categoryCount;

    private UserTaste(int watches, int categoryCount)
    {
        _watches = watches;
        _categoryCount = Math.Max(1, categoryCount);
    }

    public static UserTaste FromWatches(IReadOnlyList<int> watched, VideoSnapshot videos)
    {
        var distinct = watched.Distinct().ToList();
        var taste = new UserTaste(distinct.Count, videos.Categories.Length);
        foreach (var v in distinct)
        {
            var c = videos.CategoryIndex[v];
            taste._categories[c] = taste._categories.GetValueOrDefault(c) + 1;
            foreach (var tag in videos.Tags[v].Distinct(StringComparer.Ordinal))
            {
                taste._tags[tag] = taste._tags.GetValueOrDefault(tag) + 1;
            }
        }

        return taste;
    }

    /// <summary>Distinct videos in the history read.</summary>
    public int Watches => _watches;

    /// <summary>(watches in the category + 1 / categories) / (watches + 1).</summary>
    public double CategoryShare(int category) => (_categories.GetValueOrDefault(category) + (1.0 / _categoryCount)) / (_watches + 1.0);

    /// <summary>The mean over the video's tags of the share of the user's watches carrying the tag (0 without history or tags).</summary>
    public double TagShare(string[] tags) =>
        _watches == 0 || tags.Length == 0 ? 0 : tags.Average(t => _tags.GetValueOrDefault(t)) / _watches;
}
