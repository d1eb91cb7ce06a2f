using RecEngine.Training.Network;
using RecEngine.Training.Export;
namespace RecEngine.Training.Datasets;

/// <summary>
/// Training examples in row-major columns: dense features [Count, DenseFeatures], categorical ids
/// [Count, Fields], and the outcomes, watched (1 or 0) and watch seconds. <see cref="LogitOffsets"/>, when set,
/// are fixed per-row terms added to both heads' logits in training only (see <see cref="PositionBias"/>).
/// </summary>
internal sealed class RankerExamples
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

    /// <summary>
    /// Per-row log-examination offsets, or null: training adds them to the logits, so the network learns appeal net
    /// of where the video was shown; serving adds nothing (every candidate at the top, offset 0).
    /// </summary>
    public float[]? LogitOffsets
    {
        get;
        init
        {
            if (value is not null && value.Length != Count)
            {
                throw new ArgumentException($"{value.Length} logit offsets for {Count} examples.", nameof(value));
            }

            field = value;
        }
    }
}
