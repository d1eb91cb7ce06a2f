namespace RecEngine.Retrieval;

/// <summary>Chooses the index for a catalog from the options: exact below <see cref="VectorIndexOptions.ExactBelow"/>, HNSW above (in norm bands when the norms spread wider than <see cref="VectorIndexOptions.NormRatio"/>).</summary>
internal static class VectorIndexes
{
    public static IVectorIndex Build(long[] ids, float[] vectors, int dimensions, VectorIndexOptions options) =>
        Build(ids, ItemFactorStore.Of(vectors, dimensions), options);

    /// <summary>The same choice over <paramref name="store"/>'s rows (ids one per row), searched and re-scored from the store itself.</summary>
    public static IVectorIndex Build(long[] ids, ItemFactorStore store, VectorIndexOptions options) =>
        options.ScansExactly(ids.Length)
            ? new ExactVectorIndex(ids, store)
            : NormRangedVectorIndex.Build(ids, store, options);

    /// <summary>The HNSW index the options describe, whatever the size (bench-index measures it at any size).</summary>
    public static IPersistentVectorIndex BuildApproximate(long[] ids, float[] vectors, int dimensions, VectorIndexOptions options) =>
        NormRangedVectorIndex.Build(ids, vectors, dimensions, options);

    /// <summary>Opens what <see cref="IPersistentVectorIndex.Save"/> wrote at <paramref name="path"/>, re-scoring from <paramref name="vectors"/> (keyed as at the build).</summary>
    public static IPersistentVectorIndex Open(string path, ItemVectors vectors, VectorIndexOptions options, bool memoryMap) =>
        NormRangedVectorIndex.IsNormRanged(path)
            ? NormRangedVectorIndex.Open(path, vectors, options, memoryMap)
            : HnswVectorIndex.Open(path, vectors, options, memoryMap);
}
