using System.Text.Json;
using RecEngine.Catalog;
using RecEngine.Features;
using RecEngine.Features.Spec;
using RecEngine.Ranking;
using RecEngine.Ranking.Features;
using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;
using RecEngine.Models;

namespace RecEngine.Serving;

/// <summary>
/// Everything one request reads, immutable: the model version, the catalog snapshot, retrieval (factors and index),
/// the ranker with its feature statistics, and trending. Built off the hot path from a model version folder.
/// </summary>
internal sealed class ServingSnapshot : IDisposable
{
    private readonly bool _ownsModels;

    private ServingSnapshot(string version, VideoSnapshot videos, RetrievalModel retrieval, CandidateScorer scorer, TrendingIndex trending, CandidateOptions candidates, bool ownsModels = true)
    {
        _ownsModels = ownsModels;
        _candidateOptions = candidates;
        // Built once per snapshot, not per request: the fresh source sorts the catalog by upload time once and reuses it.
        Candidates = CandidateGenerator.Standard(retrieval, trending, candidates);
        Version = version;
        Videos = videos;
        Retrieval = retrieval;
        Scorer = scorer;
        Trending = trending;
    }

    public string Version { get; }

    public VideoSnapshot Videos { get; }

    public RetrievalModel Retrieval { get; }

    public CandidateScorer Scorer { get; }

    public TrendingIndex Trending { get; }

    public CandidateGenerator Candidates { get; }

    private readonly CandidateOptions _candidateOptions;

    /// <summary>
    /// The same version with trending as of another moment, sharing this snapshot's models (disposing it disposes
    /// nothing): offline evaluation replays users at their own cuts.
    /// </summary>
    public ServingSnapshot WithTrending(TrendingIndex trending) => new(Version, Videos, Retrieval, Scorer, trending, _candidateOptions, ownsModels: false);

    /// <summary>
    /// Loads a version written by <c>train</c> for the current catalog. Videos added since training get content-based
    /// vectors (as unwatched videos do at training time), so the whole catalog is searchable. The item factors are held
    /// in <see cref="AlsOptions.ItemFactorPrecision"/> (float32 below <see cref="VectorIndexOptions.ExactBelow"/> videos),
    /// once: the index searches or re-scores from the same store.
    /// </summary>
    /// <param name="indexOpener">Opens the version's vector index: in this process by default, a cluster's catalog shards under <c>serve --cluster</c>.</param>
    /// <param name="thumbnails">Where the videos' thumbnail embeddings are; with the version's projection, videos added since training are placed by their thumbnail too.</param>
    public static ServingSnapshot Load(
        string versionDir, VideoSnapshot videos, TrendingIndex trending, VectorIndexOptions indexOptions, OnnxRankerOptions rankerOptions, AlsOptions alsOptions, CandidateOptions candidates,
        ThumbnailStore? thumbnails = null, IRetrievalIndexOpener? indexOpener = null)
    {
        var folder = ModelVersionFolder.At(versionDir);
        var bad = folder.Verify();
        if (bad.Count > 0)
        {
            throw new InvalidDataException($"Model version {Path.GetFileName(versionDir)} fails its checksums: {string.Join(", ", bad)}.");
        }

        var version = folder.Version;
        var trainedAls = AlsModel.Load(folder.Als);
        var trainedIds = JsonSerializer.Deserialize<string[]>(File.ReadAllText(folder.Videos)) ?? [];
        var f = trainedAls.Factors;
        var factors = new float[videos.Count * f];
        var trained = new bool[videos.Count];
        var currentRow = new long[trainedIds.Length];
        for (var row = 0; row < trainedIds.Length; row++)
        {
            currentRow[row] = -1;
            if (videos.TryGetIndex(trainedIds[row], out var v))
            {
                trainedAls.Items.CopyRow(row, factors.AsSpan(v * f, f));
                trained[v] = true;
                currentRow[row] = v;
            }
        }

        // Read once: unwatched videos' content vectors and the ranker's thumbnail_affinity use the same projected rows.
        var visual = Visual(folder, videos, thumbnails);
        if (trained.Any(t => !t))
        {
            var metadata = Enumerable.Range(0, videos.Count)
                .Select(v => new ItemMetadata(videos.Categories[videos.CategoryIndex[v]], videos.Tags[v], videos.Creators[videos.CreatorIndex[v]]))
                .ToList();
            factors = ContentVectors.Fill(metadata, factors, f, trained, visual: visual);
        }

        // A catalog small enough for the exact scan keeps float32: the scan would convert every row on every search,
        // for a few megabytes saved.
        var precision = indexOptions.ScansExactly(videos.Count) ? ItemFactorPrecision.F32 : alsOptions.ItemFactorPrecision;
        var items = ItemFactorStore.Create(factors, f, precision);
        var als = new AlsModel(0, f, trainedAls.Regularization, [], items, trainedAls.ItemGramian);
        var index = (indexOpener ?? LocalRetrievalIndex.Instance).Open(folder, items, trained, currentRow, indexOptions);
        var coWatchPath = folder.CoWatch;
        var coWatch = File.Exists(coWatchPath) ? CoWatchTable.Load(coWatchPath).Remap(currentRow, videos.Count) : null;
        var retrieval = new RetrievalModel(videos, als, [], index, alsOptions, coWatch) { Visual = visual };
        var spec = FittedFeatureSpec.Load(folder.FeatureSpec);
        OnnxRanker? ranker = null;
        try
        {
            ranker = OnnxRanker.Load(folder.Ranker, version, rankerOptions, spec.RawWidth, spec.IdWidth);
            return new ServingSnapshot(version, videos, retrieval, new CandidateScorer(ranker, spec), trending, candidates);
        }
        catch
        {
            ranker?.Dispose();
            retrieval.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every video's projected thumbnail, by the version's projection, or null (no projection, no thumbnails): the
    /// content vectors of the videos the version was not trained on, and the ranker's <c>thumbnail_affinity</c> input.
    /// </summary>
    private static float[]?[]? Visual(ModelVersionFolder folder, VideoSnapshot videos, ThumbnailStore? thumbnails)
    {
        if (thumbnails is null || !File.Exists(folder.ThumbnailProjection) || !Directory.Exists(thumbnails.Folder))
        {
            return null;
        }

        var projection = VisualProjection.Load(folder.ThumbnailProjection);
        var visual = new float[]?[videos.Count];
        var any = false;
        for (var v = 0; v < visual.Length; v++)
        {
            if (thumbnails.ReadEmbedding(videos.Ids[v], projection.Dimensions) is { } embedding)
            {
                visual[v] = projection.Project(embedding);
                any = true;
            }
        }

        return any ? visual : null;
    }

    /// <summary>Whether this snapshot owns its ranker session and vector index (disposing it releases them).</summary>
    public bool OwnsModels => _ownsModels;

    public void Dispose()
    {
        if (!_ownsModels)
        {
            return;
        }

        Scorer.Ranker.Dispose();
        Retrieval.Dispose();
    }
}
