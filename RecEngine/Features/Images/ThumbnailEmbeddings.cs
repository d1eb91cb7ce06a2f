using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Features.Images;

/// <summary>
/// The thumbnail embeddings of a set of videos, for training and for loading a model version: what the store holds, and,
/// when asked to, the ones it lacks computed on the spot (training embeds what the background queue has not reached).
/// </summary>
internal static class ThumbnailEmbeddings
{
    /// <summary>
    /// One entry per id: its embedding, or null without a thumbnail (or one that does not preprocess). Null as a whole
    /// when the data directory has no thumbnails at all, so a catalog without them pays nothing.
    /// </summary>
    public static float[]?[]? Collect(
        ThumbnailStore store, IReadOnlyList<string> videoIds, Func<ThumbnailEmbedder>? embedMissing, TrainingProgress? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(store.Folder) || !Directory.EnumerateFiles(store.Folder).Any())
        {
            return null;
        }

        var embeddings = new float[]?[videoIds.Count];
        int found = 0, computed = 0, failed = 0;
        for (var v = 0; v < videoIds.Count; v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = videoIds[v];
            embeddings[v] = store.ReadEmbedding(id, ThumbnailEmbedder.Dimensions);
            if (embeddings[v] is not null)
            {
                found++;
                continue;
            }

            if (embedMissing is null || !store.Exists(id))
            {
                continue;
            }

            if (embedMissing().EmbedStored(store, id).IsValid)
            {
                embeddings[v] = store.ReadEmbedding(id, ThumbnailEmbedder.Dimensions);
                computed++;
                if ((computed & 0x3F) == 0)
                {
                    progress?.Report($"{computed:N0} thumbnails embedded");
                }
            }
            else
            {
                failed++;
            }
        }

        progress?.Report($"{found + computed:N0} thumbnail embeddings ({computed:N0} computed now, {failed:N0} thumbnails that do not preprocess)");
        return found + computed == 0 ? null : embeddings;
    }
}
