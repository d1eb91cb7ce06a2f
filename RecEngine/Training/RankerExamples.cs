namespace RecEngine.Training;

/// <summary>
/// Training examples in row-major columns: dense features [Count, DenseFeatures], categorical ids
/// [Count, Fields], and the outcomes, watched (1 or 0) and watch seconds.
/// </summary>
public sealed class RankerExamples
{
    public RankerExamples(int denseFeatures, int fields, float[] dense, long[] categorical, float[] watched, float[] watchSeconds)
    {
        Count = watched.Length;
        if (dense.Length != Count * denseFeatures || categorical.Length != Count * fields || watchSeconds.Length != Count)
        {
            throw new ArgumentException($"Column lengths do not match {Count} examples of {denseFeatures} dense features and {fields} fields.");
        }

        DenseFeatures = denseFeatures;
        Fields = fields;
        Dense = dense;
        Categorical = categorical;
        Watched = watched;
        WatchSeconds = watchSeconds;
    }

    public int Count { get; }
    public int DenseFeatures { get; }
    public int Fields { get; }
    public float[] Dense { get; }
    public long[] Categorical { get; }
    public float[] Watched { get; }
    public float[] WatchSeconds { get; }
}
