namespace RecEngine.Retrieval;

/// <summary>Opens the vector index a serving snapshot searches, over the catalog as it is now.</summary>
internal static class CatalogVectorIndex
{
    /// <summary>
    /// The index over the current catalog. Small catalogs get the exact index. Otherwise the HNSW index saved by
    /// training is memory-mapped, not rebuilt (minutes at a million videos): its training-time rows are
    /// remapped to today's, and videos uploaded since training are searched exactly in a side index until the next
    /// version. A version without a saved index (trained below the exact threshold) gets a fresh build.
    /// </summary>
    /// <param name="savedPath">The index saved at training time (absent when training used the exact index).</param>
    /// <param name="factors">Item vectors of the current catalog; the index searches or re-scores from them, not a copy.</param>
    /// <param name="trained">Per current video: whether the saved index holds it.</param>
    /// <param name="currentRow">Per saved row: the video's current row, or -1 when it left the catalog.</param>
    public static IVectorIndex Open(string savedPath, ItemFactorStore factors, bool[] trained, long[] currentRow, VectorIndexOptions options)
    {
        var count = trained.Length;
        if (options.ScansExactly(count) || !File.Exists(savedPath))
        {
            return VectorIndexes.Build(Enumerable.Range(0, count).Select(v => (long)v).ToArray(), factors, options);
        }

        return OverCurrentCatalog(VectorIndexes.Open(savedPath, ItemVectors.Remapped(factors, currentRow), options, memoryMap: true), factors, trained, currentRow);
    }

    /// <summary>
    /// An index over the version's trained rows (<paramref name="saved"/>: the saved graph, or a cluster's catalog
    /// shards) made to answer in current video rows: rows remapped, and videos uploaded since training searched exactly
    /// beside it. Takes ownership of <paramref name="saved"/>.
    /// </summary>
    public static IVectorIndex OverCurrentCatalog(IVectorIndex saved, ItemFactorStore factors, bool[] trained, long[] currentRow)
    {
        var count = trained.Length;
        var f = factors.Factors;
        var index = saved;
        try
        {
            var identity = currentRow.Length == count && currentRow.Select((v, row) => v == row).All(same => same);
            if (!identity)
            {
                index = new RemappedVectorIndex(index, currentRow);
            }

            var added = Enumerable.Range(0, count).Where(v => !trained[v]).Select(v => (long)v).ToArray();
            if (added.Length == 0)
            {
                return index;
            }

            var vectors = new float[added.Length * f];
            for (var i = 0; i < added.Length; i++)
            {
                factors.CopyRow((int)added[i], vectors.AsSpan(i * f, f));
            }

            var appendable = new AppendableVectorIndex(index);
            appendable.AddRange(added, vectors);
            return appendable;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

}
