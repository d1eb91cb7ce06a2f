using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Features;

/// <summary>
/// The catalog as immutable columnar arrays, indexed by a dense video index (the key the vector index and the
/// ranker use). Built off the hot path from LiteDB and swapped in whole; readers take no locks and never touch
/// the store per candidate.
/// </summary>
internal sealed class VideoSnapshot
{
    private readonly Dictionary<string, int> _indexOf;
    private readonly Dictionary<string, int> _categoryOf;

    private VideoSnapshot(List<Video> videos, DateTime builtAt, Func<string, string>? internId = null)
    {
        BuiltAt = builtAt;
        Count = videos.Count;
        Ids = new string[Count];
        var titles = new string[Count];
        Tags = new string[Count][];
        CategoryIndex = new int[Count];
        CreatorIndex = new int[Count];
        DurationSeconds = new float[Count];
        UploadedAt = new DateTime[Count];
        Available = new bool[Count];
        _indexOf = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        _categoryOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var creators = new Dictionary<string, int>(StringComparer.Ordinal);
        // Tags repeat across videos (a vocabulary of thousands over a million videos), and so do whole tag lists (a
        // category and a topic, a film's genres): one array per distinct list, one string per distinct tag.
        var tagNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var tagLists = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var categoryNames = new List<string>();
        var creatorNames = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var v = videos[i];
            Ids[i] = internId?.Invoke(v.Id) ?? v.Id;
            titles[i] = v.Title;
            Tags[i] = InternTags(tagLists, tagNames, v.Tags);
            _indexOf[Ids[i]] = i;
            CategoryIndex[i] = Intern(_categoryOf, categoryNames, v.Category);
            CreatorIndex[i] = Intern(creators, creatorNames, v.CreatorId);
            DurationSeconds[i] = (float)v.DurationSeconds;
            UploadedAt[i] = v.UploadedAt;
            Available[i] = v.Available;
        }

        Titles = new Utf8Column(titles);
        Categories = categoryNames.ToArray();
        Creators = creatorNames.ToArray();
    }

    public DateTime BuiltAt { get; }

    public int Count { get; }

    public string[] Ids { get; }

    public Utf8Column Titles { get; }

    public string[][] Tags { get; }

    /// <summary>Index into <see cref="Categories"/>.</summary>
    public int[] CategoryIndex { get; }

    public string[] Categories { get; }

    /// <summary>Index into <see cref="Creators"/>.</summary>
    public int[] CreatorIndex { get; }

    public string[] Creators { get; }

    public float[] DurationSeconds { get; }

    public DateTime[] UploadedAt { get; }

    public bool[] Available { get; }

    public static VideoSnapshot Empty { get; } = new([], DateTime.MinValue);

    /// <summary>
    /// Estimated managed bytes of the snapshot: titles, tags, columns and the id lookup (computed once; the snapshot is
    /// immutable). The id strings themselves are the catalog lookup's when served (<c>CatalogIndex.InternVideoId</c>) and
    /// are counted there.
    /// </summary>
    public long EstimatedBytes => _estimatedBytes ??= Estimate();

    private long? _estimatedBytes;

    private long Estimate()
    {
        var bytes = ManagedSize.OfArray(Count, sizeof(long)) + Titles.EstimatedBytes + ManagedSize.OfArray(Count, sizeof(long))
            + ManagedSize.Strings(Categories) + ManagedSize.Strings(Creators)
            + ManagedSize.OfArray(Count, sizeof(int) * 2) + ManagedSize.OfArray(Count, sizeof(float)) + ManagedSize.OfArray(Count, sizeof(long)) + ManagedSize.OfArray(Count, 1)
            + ManagedSize.HashTable(Count, 24) + ManagedSize.HashTable(Categories.Length + Creators.Length, 24);
        var distinct = new HashSet<string>(ReferenceEqualityComparer.Instance);
        var lists = new HashSet<string[]>(ReferenceEqualityComparer.Instance);
        foreach (var tags in Tags)
        {
            if (!lists.Add(tags))
            {
                continue;
            }

            bytes += ManagedSize.OfArray(tags.Length, sizeof(long));
            foreach (var tag in tags)
            {
                if (distinct.Add(tag))
                {
                    bytes += ManagedSize.OfString(tag);
                }
            }
        }

        return bytes;
    }

    /// <summary>
    /// Marks a deleted video unavailable in this snapshot, so it stops being served at once rather than at the next
    /// snapshot. The one write to a published snapshot: a single bool, which readers see now or on their next request.
    /// </summary>
    public bool Retire(string videoId)
    {
        if (!_indexOf.TryGetValue(videoId, out var index))
        {
            return false;
        }

        Volatile.Write(ref Available[index], false);
        return true;
    }

    public bool TryGetIndex(string videoId, out int index) => _indexOf.TryGetValue(videoId, out index);

    public int CategoryId(string category) => _categoryOf.TryGetValue(category, out var c) ? c : -1;

    /// <summary>Reads every video once, in id order (stable indexes for the same catalog).</summary>
    /// <param name="internId">Maps a video id to the one shared instance of that string (<see cref="CatalogIndex.InternVideoId"/>), or null to keep the store's.</param>
    public static VideoSnapshot Build(RecEngineStore store, DateTime builtAt, Func<string, string>? internId = null)
    {
        var videos = store.VideosInIdOrder().ToList();
        return new VideoSnapshot(videos, builtAt, internId);
    }

    public static VideoSnapshot FromVideos(IEnumerable<Video> videos, DateTime builtAt) =>
        new(videos.OrderBy(v => v.Id, StringComparer.Ordinal).ToList(), builtAt);

    private static string[] InternTags(Dictionary<string, string[]> lists, Dictionary<string, string> names, string[]? tags)
    {
        if (tags is null || tags.Length == 0)
        {
            return [];
        }

        // Keyed by the tags joined with U+001F; a list is shared only when it holds the same tags (a tag that itself
        // contains U+001F could otherwise join to another list's key).
        string? key = string.Join('\u001f', tags);
        if (lists.TryGetValue(key, out var sharedList))
        {
            if (sharedList.AsSpan().SequenceEqual(tags))
            {
                return sharedList;
            }

            key = null;
        }

        for (var t = 0; t < tags.Length; t++)
        {
            if (names.TryGetValue(tags[t], out var shared))
            {
                tags[t] = shared;
            }
            else
            {
                names[tags[t]] = tags[t];
            }
        }

        if (key is not null)
        {
            lists[key] = tags;
        }

        return tags;
    }

    private static int Intern(Dictionary<string, int> map, List<string> names, string value)
    {
        if (!map.TryGetValue(value, out var id))
        {
            id = names.Count;
            map[value] = id;
            names.Add(value);
        }

        return id;
    }
}
