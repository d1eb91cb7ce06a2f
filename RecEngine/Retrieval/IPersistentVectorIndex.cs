namespace RecEngine.Retrieval;

/// <summary>An index worth saving with a model version (building it takes minutes); see <see cref="VectorIndexes.Open"/>.</summary>
internal interface IPersistentVectorIndex : IVectorIndex
{
    /// <summary>Writes the index to <paramref name="path"/> and files beside it.</summary>
    void Save(string path);

    /// <summary>Changes efSearch of the HNSW graphs while serving (tuning).</summary>
    void ChangeExpansionSearch(int expansion);

    /// <summary>Bytes on disk.</summary>
    long IndexBytes { get; }

    /// <summary>Bytes of the native graphs in memory (or mapped).</summary>
    long NativeBytes { get; }

    /// <summary>Bytes of item vectors the index holds itself (only indexes saved in the older format do).</summary>
    long OwnItemBytes { get; }
}
