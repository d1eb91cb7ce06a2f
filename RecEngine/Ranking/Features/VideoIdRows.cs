using RecEngine.Features;
using RecEngine.Features.Spec;

namespace RecEngine.Ranking.Features;

/// <summary>
/// The ranker's id inputs of each video's own fields (id, category, creator, title and tag tokens), hashed once per
/// video and kept for the model version: on the request path a candidate's ids are a copy, not a dozen string hashes,
/// a <c>string.Join</c> and a tokenisation. Filled lazily in chunks, so a million-video catalog pays memory only for the
/// videos that ever become candidates. The fields of the showing (device, hour) are left for the caller to write.
/// The spec's <see cref="FeatureQuality"/> counters so count a video's missing or unseen fields once per version.
/// Safe for concurrent readers: two threads filling the same row write the same values, and a row is marked filled
/// only after it is written.
/// </summary>
internal sealed class VideoIdRows(FittedFeatureSpec spec)
{
    // 256 videos a chunk (21 KB at the default width): a start-up warm-up's few hundred scattered candidates touch a few
    // megabytes, where chunks of 4,096 videos touched 60 MB of a million-video catalog's 84.
    private const int ChunkBits = 8;
    private const int ChunkMask = (1 << ChunkBits) - 1;

    private readonly int _width = spec.IdWidth;
    private State? _state;

    /// <summary>Bytes of the chunks filled so far for the current catalog snapshot (and of the chunk table).</summary>
    public long MemoryBytes
    {
        get
        {
            var state = _state;
            if (state is null)
            {
                return 0;
            }

            long bytes = Hosting.ManagedSize.OfArray(state.Chunks.Length, 8) + Hosting.ManagedSize.OfArray(state.Filled.Length, 1);
            foreach (var chunk in state.Chunks)
            {
                if (chunk is not null)
                {
                    bytes += Hosting.ManagedSize.OfArray(chunk.Length, sizeof(int));
                }
            }

            return bytes;
        }
    }

    /// <summary>
    /// The ids of the showing's fields (from <see cref="RankingFeatures.FirstContextCategorical"/> on), the same for
    /// every candidate of a request.
    /// </summary>
    public long[] ContextIds(ReadOnlySpan<string?> categorical)
    {
        var ids = new long[RankingFeatures.CategoricalCount - RankingFeatures.FirstContextCategorical];
        for (var c = 0; c < ids.Length; c++)
        {
            ids[c] = spec.CategoricalId(RankingFeatures.FirstContextCategorical + c, categorical[RankingFeatures.FirstContextCategorical + c]);
        }

        return ids;
    }

    /// <summary>
    /// Writes a candidate's whole id row (<see cref="FittedFeatureSpec.IdWidth"/> wide): the video's cached ids and the
    /// showing's <paramref name="contextIds"/> (<see cref="ContextIds"/>).
    /// </summary>
    public void CopyTo(int video, VideoSnapshot videos, ReadOnlySpan<long> contextIds, Span<long> row)
    {
        CopyVideoIds(video, videos, row);
        contextIds.CopyTo(row.Slice(RankingFeatures.FirstContextCategorical, contextIds.Length));
    }

    private void CopyVideoIds(int video, VideoSnapshot videos, Span<long> row)
    {
        var state = _state;
        if (state is null || !ReferenceEquals(state.Videos, videos))
        {
            // Ids are of one catalog snapshot's video indexes; another snapshot starts afresh.
            state = new State(videos);
            _state = state;
        }

        var chunk = state.Chunks[video >> ChunkBits];
        if (chunk is null)
        {
            Interlocked.CompareExchange(ref state.Chunks[video >> ChunkBits], new int[(ChunkMask + 1) * _width], null);
            chunk = state.Chunks[video >> ChunkBits]!;
        }

        var stored = chunk.AsSpan((video & ChunkMask) * _width, _width);
        if (Volatile.Read(ref state.Filled[video]))
        {
            for (var i = 0; i < stored.Length; i++)
            {
                row[i] = stored[i];
            }

            return;
        }

        Compute(video, videos, row);
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = checked((int)row[i]);
        }

        Volatile.Write(ref state.Filled[video], true);
    }

    private void Compute(int video, VideoSnapshot videos, Span<long> row)
    {
        var categorical = new string?[RankingFeatures.CategoricalCount];
        var text = new string?[RankingFeatures.TextCount];
        RankingFeatures.VideoCategorical(video, videos, categorical);
        RankingFeatures.Text(video, videos, text);
        spec.Ids(categorical, text, row);
    }

    private sealed class State(VideoSnapshot videos)
    {
        public VideoSnapshot Videos { get; } = videos;

        public readonly int[]?[] Chunks = new int[]?[(videos.Count >> ChunkBits) + 1];

        public readonly bool[] Filled = new bool[videos.Count];

    }
}
