using RecEngine.Features;

namespace RecEngine.Retrieval;

/// <summary>
/// What candidate generation serves from: the catalog snapshot it was trained on, the ALS factors, and the
/// vector index over item factors (ids are video indexes of <see cref="Videos"/>). Immutable; disposing it
/// disposes the index.
/// </summary>
internal sealed class RetrievalModel : IDisposable
{
    private readonly Dictionary<string, int> _userIndex;

    public RetrievalModel(VideoSnapshot videos, AlsModel als, string[] userIds, IVectorIndex index, AlsOptions options, CoWatchTable? coWatch = null)
    {
        if (coWatch is not null && coWatch.VideoCount != videos.Count)
        {
            throw new ArgumentException($"The co-watch table has {coWatch.VideoCount} videos, the catalog {videos.Count}.", nameof(coWatch));
        }

        if (als.ItemCount != videos.Count)
        {
            throw new ArgumentException($"The model has {als.ItemCount} items, the catalog {videos.Count}.", nameof(als));
        }

        Videos = videos;
        Als = als;
        UserIds = userIds;
        Index = index;
        Options = options;
        CoWatch = coWatch ?? CoWatchTable.Empty(videos.Count);
        _userIndex = new Dictionary<string, int>(userIds.Length, StringComparer.Ordinal);
        for (var u = 0; u < userIds.Length; u++)
        {
            _userIndex[userIds[u]] = u;
        }
    }

    public VideoSnapshot Videos { get; }

    public AlsModel Als { get; }

    /// <summary>The map from thumbnail embeddings to factors fitted with this model, or null (too few thumbnails).</summary>
    public VisualProjection? FittedProjection { get; init; }

    /// <summary>The fitted projection if the content vectors use it (it explained enough held-out variance), else null.</summary>
    public VisualProjection? Projection { get; init; }

    /// <summary>
    /// Each video's thumbnail embedding mapped to the factor space by <see cref="Projection"/> (null where the video has
    /// no embedding), or null without thumbnails or a used projection: the ranker's <c>thumbnail_affinity</c> input.
    /// </summary>
    public float[]?[]? Visual { get; init; }

    /// <summary>The user's affinity to what the video's thumbnail looks like (u · P(e)), or NaN without a projected thumbnail.</summary>
    public double VisualDot(float[] userVector, int videoIndex) =>
        Visual is { } visual && (uint)videoIndex < (uint)visual.Length && visual[videoIndex] is { } v && v.Length == userVector.Length
            ? System.Numerics.Tensors.TensorPrimitives.Dot(userVector, v)
            : double.NaN;

    public string[] UserIds { get; }

    public IVectorIndex Index { get; }

    public AlsOptions Options { get; }

    /// <summary>Co-watches in the same window the factors were trained on.</summary>
    public CoWatchTable CoWatch { get; }

    /// <summary>The video's item vector in float32: the row itself, or converted into <paramref name="buffer"/> (at least <see cref="AlsModel.Factors"/> long).</summary>
    public ReadOnlySpan<float> ItemVector(int videoIndex, Span<float> buffer) => Als.ItemVector(videoIndex, buffer);

    /// <summary>The inner product of <paramref name="query"/> with the video's item vector, in float32.</summary>
    public float ItemDot(ReadOnlySpan<float> query, int videoIndex) => Als.ItemDot(query, videoIndex);

    /// <summary>
    /// The user's vector folded in from their recent watches (item factors fixed), so a watch made a second ago
    /// already moves the next slate, and a user unseen at training time gets a vector once they have a history.
    /// Null when none of the watches is in the catalog.
    /// </summary>
    public float[]? UserVector(IReadOnlyList<RecentWatch> recentWatches)
    {
        var items = new List<int>(recentWatches.Count);
        var confidences = new List<float>(recentWatches.Count);
        foreach (var watch in recentWatches)
        {
            if (!Videos.TryGetIndex(watch.VideoId, out var v))
            {
                continue;
            }

            var fraction = watch.WatchSeconds / Math.Max(1f, Videos.DurationSeconds[v]);
            items.Add(v);
            confidences.Add(EngagementConfidence.Confidence(Events.EventType.Watch, fraction, Options.Alpha));
        }

        return items.Count == 0 ? null : Als.FoldIn(items.ToArray(), confidences.ToArray());
    }

    /// <summary>The vector learned for a user at training time, if the user was in the window.</summary>
    public ReadOnlySpan<float> TrainedUserVector(string userId) =>
        _userIndex.TryGetValue(userId, out var u) ? Als.UserVector(u) : default;

    public void Dispose() => Index.Dispose();
}
