using RecEngine.Models;
using RecEngine.Retrieval;

namespace RecEngine.Serving;

/// <summary>
/// Opens the vector index a serving snapshot searches. A single process opens the version's saved index
/// (<see cref="LocalRetrievalIndex"/>); a cluster silo (<c>serve --cluster</c>) replaces it with the version's catalog
/// shards. Throws <see cref="InvalidDataException"/> or <see cref="IOException"/> for a version that must be refused.
/// </summary>
internal interface IRetrievalIndexOpener
{
    /// <param name="folder">The model version.</param>
    /// <param name="factors">Item vectors of the current catalog (see <see cref="CatalogVectorIndex.Open"/>).</param>
    /// <param name="trained">Per current video: whether the version was trained on it.</param>
    /// <param name="currentRow">Per trained row: the video's current row, or -1 when it left the catalog.</param>
    IVectorIndex Open(ModelVersionFolder folder, ItemFactorStore factors, bool[] trained, long[] currentRow, VectorIndexOptions options);
}

/// <summary>The version's saved index (or an exact one), in this process.</summary>
internal sealed class LocalRetrievalIndex : IRetrievalIndexOpener
{
    public static readonly LocalRetrievalIndex Instance = new();

    public IVectorIndex Open(ModelVersionFolder folder, ItemFactorStore factors, bool[] trained, long[] currentRow, VectorIndexOptions options) =>
        CatalogVectorIndex.Open(folder.Index, factors, trained, currentRow, options);
}
